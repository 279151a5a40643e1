// The Redis a queue runs on, from one URL (`--queue` / MINIONS_QUEUE), and the names the
// server and its workers share on it: BullMQ's queue, the stream that carries each task's
// events and end to the server, the channel and keys that carry cancels and attempts.
import { isIP } from 'node:net';
import { Redis } from 'ioredis';
import { MinionsError, type TaskRequest } from '../../schemas/index.js';
import type { TaskEnd } from '../http/tasks/task-fold.js';

/** The BullMQ queue that holds tasks (`bull:minions-tasks:*` keys). */
export const queueName = 'minions-tasks';
/** The stream workers append each task's start, events and end to; the server reads it in order. */
export const eventStream = 'minions:task-events';
/** The consumer group the server reads `eventStream` with (its pending entries survive a restart). */
export const eventGroup = 'minions-server';
/** The channel a cancel is published on (the task id); workers running the task abort it. */
export const cancelChannel = 'minions:task-cancel';
/** Set with the cancel, so a worker that picks the task up later ends it at once. */
export const cancelKey = (id: string): string => `minions:task:${id}:cancelled`;
/** Counts the runs of a task (INCR at each pickup): attempt 2 and up follow a lost worker. */
export const attemptsKey = (id: string): string => `minions:task:${id}:attempts`;
/** How long the per-task keys live: a week, long after any task ends. */
export const taskKeySeconds = 7 * 24 * 3600;

/** The data of a task's BullMQ job: what a worker needs besides the server's API. */
export interface TaskJob {
  taskId: string;
  request: TaskRequest;
  /** The repository's real path on the server (the worker's path to it by default). */
  root: string;
  /** Runs again after a lost worker before the task ends `interrupted` (`--task-retries`). */
  retries: number;
}

/** One entry of `eventStream`, as JSON in its `body` field. */
export type WorkerMessage =
  | { kind: 'start'; task: string; attempt: number; worker: string }
  | { kind: 'event'; task: string; event: unknown }
  | { kind: 'end'; task: string; end: TaskEnd };

/** Where Redis is and how to log in: what ioredis and BullMQ's `connection` both take. */
export interface RedisConnection {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: Record<string, never>;
  /** null: commands wait for a reconnect instead of failing after some retries (BullMQ's blocking calls need it). */
  maxRetriesPerRequest: null;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
}

/**
 * The connection options of a `redis://[user][:password@]host[:port][/db]` or `rediss://`
 * URL. A Redis off loopback without a password is refused: anyone who reaches it could
 * queue work for the workers or read every task. `maxRetriesPerRequest: null` is what
 * BullMQ's blocking connections need.
 */
export function redisConnection(text: string): RedisConnection {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MinionsError('invalid-argument', `The queue must be a URL such as redis://127.0.0.1:6379, not "${text}" (--queue or MINIONS_QUEUE).`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new MinionsError('invalid-argument', `The queue must be a redis:// or rediss:// URL, not "${url.protocol}" (--queue or MINIONS_QUEUE).`);
  const host = url.hostname === '' ? '127.0.0.1' : url.hostname;
  const password = decodeURIComponent(url.password);
  if (password === '' && !isLoopback(host)) {
    throw new MinionsError('invalid-argument', `Redis at ${host} is not on loopback, so it needs a password: redis://:PASSWORD@${host}:${url.port || 6379} (set it in MINIONS_QUEUE: arguments show in ps), with requirepass in redis.conf.`);
  }
  const db = url.pathname.replace(/^\//, '');
  return {
    host: host.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? 6379 : Number(url.port),
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(password === '' ? {} : { password }),
    ...(db === '' ? {} : { db: Number(db) }),
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** A new named connection (`CLIENT LIST` shows which part of minions holds it). */
export function connectRedis(connection: RedisConnection, name: string): Redis {
  const redis = new Redis({ ...connection, connectionName: name });
  // ioredis reconnects by itself and its commands wait meanwhile (or fail with the reason):
  // the connection's own error events would only repeat that, once per retry.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Waits until Redis answers a PING, at most `timeoutMs`: a wrong address, password or a
 * Redis that is down is one line naming it, not a process that hangs reconnecting.
 */
export async function checkRedis(redis: Redis, connection: RedisConnection, timeoutMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), late]);
  } catch (error) {
    throw new MinionsError('agent-unavailable', `Cannot use Redis at ${connection.host}:${connection.port} (--queue or MINIONS_QUEUE): ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** The URL without its password, for logs and messages. */
export function redactedUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    return '(not a URL)';
  }
}
