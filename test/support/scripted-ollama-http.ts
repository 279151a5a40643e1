// Node:http plumbing of the scripted Ollama server (scripted-ollama.ts): reading a
// request body, answering JSON, pausing an answer until a delay passes or the client
// leaves, and a closed port for "server unreachable" tests.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): for "server unreachable" tests. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Waits `milliseconds` (forever for Infinity); false when the client went away first. */
export function pause(milliseconds: number, response: ServerResponse): Promise<boolean> {
  if (milliseconds <= 0) return Promise.resolve(!response.destroyed);
  return new Promise((resolve) => {
    const timer = Number.isFinite(milliseconds) ? setTimeout(() => finish(true), milliseconds) : undefined;
    const onClose = (): void => finish(false);
    function finish(connected: boolean): void {
      if (timer !== undefined) clearTimeout(timer);
      response.off('close', onClose);
      resolve(connected && !response.destroyed);
    }
    response.on('close', onClose);
  });
}

/** The request body as UTF-8 text ('' when there is none). */
export function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    incoming.on('error', reject);
  });
}

/** Answers `status` with `body` as JSON. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** `value` when it is a plain object, else an empty one. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
