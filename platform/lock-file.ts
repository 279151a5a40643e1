import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { MinionsError } from '../schemas/index.js';
import { abortReason } from './abort.js';

/** Who holds a lock: written into the lock file so a second process can name it. */
export interface LockHolder {
  /** What the holder is doing (`minions serve`, `minions index /src/app`). */
  command: string;
  pid: number;
  hostname: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The holder's process start time in clock ticks since boot (Linux `/proc/<pid>/stat`), so a reused pid is not taken for the holder. */
  processStart?: string | undefined;
  /** Unique per acquisition: tells this holder's file from a later one. */
  token: string;
}

/** How `acquireLock` behaves when another live process holds the lock. */
export interface LockOptions {
  /** What this process is doing, recorded for the next one to read. */
  command: string;
  /** How long to wait for the holder to let go (0, the default: refuse at once). */
  waitMs?: number | undefined;
  /** Aborts a wait (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Called once when a wait starts, with the holder (to print "waiting for ..."). */
  onWait?: ((holder: LockHolder) => void) | undefined;
  /** How often a waiting process looks again (there is no portable way to be told). */
  pollMs?: number | undefined;
}

/** A lock this process holds; `release` removes its file (only if it is still this holder's). */
export interface HeldLock {
  readonly holder: LockHolder;
  release(): Promise<void>;
}

/** "minions serve (pid 42 on host, since 2026-11-30T19:00:00.000Z)". */
export function describeHolder(holder: LockHolder): string {
  return `${holder.command} (pid ${holder.pid} on ${holder.hostname}, since ${holder.since})`;
}

/**
 * Takes an exclusive lock: a file created with `O_EXCL` holding pid, host, start time
 * and command. Crash-safe without an OS lock (Node has no `flock`): a holder on this
 * host whose pid is gone, or now names a process started at another time (pid reuse),
 * is stale and its lock is taken over. A live holder makes this wait (`waitMs`) or
 * fail with `conflict` naming it. Holders on another host are never judged stale.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<HeldLock> {
  await mkdir(dirname(path), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 0);
  let told = false;
  for (;;) {
    const holder = await ownHolder(options.command);
    if (await createExclusive(path, holder)) return heldLock(path, holder);
    const current = await readLockHolder(path);
    if (current === undefined) continue; // released meanwhile
    if (!(await isAlive(current))) {
      await breakStale(path, current);
      continue;
    }
    if (Date.now() >= deadline) throw held(path, current, options.waitMs ? 'waited too long' : undefined);
    if (!told) options.onWait?.(current);
    told = true;
    await pause(Math.min(options.pollMs ?? 250, Math.max(1, deadline - Date.now())), options.signal);
  }
}

/** The holder recorded in a lock file, or undefined when there is none. A file that does not parse (damaged: it is written whole) counts as a dead holder. */
export async function readLockHolder(path: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>;
    if (typeof parsed.pid === 'number' && typeof parsed.token === 'string') return parsed as LockHolder;
  } catch {
    // fall through: a torn file
  }
  return { command: 'an unknown process', pid: 0, hostname: hostname(), since: '', token: `torn:${text}` };
}

function held(path: string, holder: LockHolder, why: string | undefined): MinionsError {
  const suffix = why ? ` (${why})` : '';
  return new MinionsError('conflict', `${describeHolder(holder)} holds ${path}${suffix}; wait for it to finish or stop it.`, { details: { holder } });
}

/** Writes the holder to a file of its own, then links it into place: the lock file appears whole or not at all, and `link` never overwrites. */
async function createExclusive(path: string, holder: LockHolder): Promise<boolean> {
  const draft = `${path}.${holder.token}`;
  await writeFile(draft, `${JSON.stringify(holder)}\n`, { flag: 'wx' });
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

function heldLock(path: string, holder: LockHolder): HeldLock {
  let released = false;
  return {
    holder,
    async release() {
      if (released) return;
      released = true;
      const current = await readLockHolder(path);
      if (current?.token === holder.token) await unlink(path).catch(() => undefined);
    },
  };
}

/**
 * Removes a stale lock file, unless another process replaced it meanwhile: the file is
 * moved aside first (atomic), and put back with `link` (which never overwrites) when
 * what was moved is not the stale holder that was judged.
 */
async function breakStale(path: string, stale: LockHolder): Promise<void> {
  const aside = `${path}.stale-${randomUUID()}`;
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const moved = await readLockHolder(aside);
  if (moved !== undefined && moved.token !== stale.token) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function isAlive(holder: LockHolder): Promise<boolean> {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid <= 0) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: alive, owned by another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (holder.processStart === undefined) return true;
  const start = await processStart(holder.pid);
  return start === undefined || start === holder.processStart;
}

async function ownHolder(command: string): Promise<LockHolder> {
  return { command, pid: process.pid, hostname: hostname(), since: new Date().toISOString(), processStart: await processStart(process.pid), token: randomUUID() };
}

/** Field 22 of `/proc/<pid>/stat` (after the parenthesised name, which may hold spaces); undefined off Linux. */
async function processStart(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((done, fail) => {
    if (signal?.aborted) return fail(abortReason(signal));
    if (signal === undefined) return void setTimeout(done, ms);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      done();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      fail(abortReason(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
