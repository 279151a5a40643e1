// Where a running `minions serve` says how to reach it: `locks/server.json` in its data
// directory, beside the server lock. `minions query` reads it to ask the server instead of
// loading the index itself. Node built-ins only: the CLI reads it before loading anything.
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** What the server publishes. Never the token itself: the file is readable by anyone who can read the data directory. */
export interface ServerFile {
  /** The server's process: the file is stale once it is gone or no longer holds the server lock. */
  pid: number;
  hostname: string;
  /** Base URL a local client reaches it at (`http://127.0.0.1:7337`). */
  url: string;
  /** Whether requests need `Authorization: Bearer` (the client takes the token from MINIONS_TOKEN). */
  token: boolean;
  /** The embedder the server queries with (`default`, `ollama:<model>`, `hf:<id>`): a client configured otherwise answers itself. */
  embedder: string;
  since: string;
}

const serverFile = (dataDir: string): string => join(dataDir, 'locks', 'server.json');
const serverLock = (dataDir: string): string => join(dataDir, 'locks', 'server.lock');

/** The URL a client on this machine uses for a bound address: an unspecified address (0.0.0.0, ::) is reached on loopback. */
export function localUrl(address: AddressInfo): string {
  if (address.family === 'IPv6' || address.address.includes(':')) {
    const host = address.address === '::' ? '::1' : address.address;
    return `http://[${host}]:${address.port}`;
  }
  return `http://${address.address === '0.0.0.0' ? '127.0.0.1' : address.address}:${address.port}`;
}

/**
 * Publishes this server in its data directory (whole or not at all: written aside, then
 * renamed). `remove` deletes it at shutdown, unless another server has replaced it.
 */
export async function publishServer(dataDir: string, server: Omit<ServerFile, 'pid' | 'hostname' | 'since'>): Promise<{ remove(): Promise<void> }> {
  const path = serverFile(dataDir);
  const content: ServerFile = { pid: process.pid, hostname: hostname(), ...server, since: new Date().toISOString() };
  await writeFile(`${path}.${process.pid}`, `${JSON.stringify(content)}\n`);
  await rename(`${path}.${process.pid}`, path);
  return {
    async remove() {
      const current = await readJson(path);
      if (current?.['pid'] === process.pid) await unlink(path).catch(() => undefined);
    },
  };
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined; // torn or damaged: as good as absent
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server running on a data directory, or undefined when there is none: no file, a
 * damaged one, one written on another host, or a stale one (its process is gone, or the
 * server lock is free or held by another process: a server killed with -9 leaves both files).
 */
export async function readRunningServer(dataDir: string): Promise<ServerFile | undefined> {
  const [server, lock] = await Promise.all([readJson(serverFile(dataDir)), readJson(serverLock(dataDir))]);
  if (!isServerFile(server) || server.hostname !== hostname() || lock?.['pid'] !== server.pid || !alive(server.pid)) return undefined;
  return server;
}

function isServerFile(value: Record<string, unknown> | undefined): value is Record<string, unknown> & ServerFile {
  return (
    typeof value?.['pid'] === 'number' && typeof value['hostname'] === 'string' && typeof value['url'] === 'string' && typeof value['token'] === 'boolean' && typeof value['embedder'] === 'string'
  );
}
