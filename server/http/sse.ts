import type { FastifyReply } from 'fastify';
import { MinionsError, type TaskEvent } from '../../schemas/index.js';
import { terminalStatuses } from './tasks/task-fold.js';
import type { TaskStore } from './tasks/task-store.js';

/** Open event streams, each with the function that ends it (the app ends them all on close). */
export type OpenStreams = Set<() => void>;

/** One event in the Server-Sent Events format; the id is the event's seq, for `Last-Event-ID`. */
export function formatEvent(event: TaskEvent): string {
  return `id: ${event.seq}\nevent: ${event.type.replace(/[\r\n]/g, ' ')}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams a task's events as Server-Sent Events: the past ones after `afterSeq`, then
 * the live ones, with a comment line every `heartbeatMs` so proxies keep the
 * connection open. The stream ends after the `task-end` event (at once when the
 * task already ended and the client has seen everything), or when the client leaves.
 */
export async function streamTaskEvents(reply: FastifyReply, options: { store: TaskStore; id: string; afterSeq: number; heartbeatMs: number; streams: OpenStreams }): Promise<void> {
  const { store, id, afterSeq } = options;
  if (!store.get(id)) throw new MinionsError('not-found', `No task ${id}.`);
  let live = false;
  let ended = false;
  let lastSent = afterSeq;
  const early: TaskEvent[] = [];
  const raw = reply.raw;
  const send = (event: TaskEvent): void => {
    if (ended || event.seq <= lastSent) return;
    lastSent = event.seq;
    raw.write(formatEvent(event));
    if (event.type === 'task-end') finish();
  };
  const subscription = await store.follow(id, afterSeq, (event) => (live ? send(event) : early.push(event)));
  if (!subscription) throw new MinionsError('not-found', `No task ${id}.`);
  reply.hijack();
  raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  raw.write('retry: 2000\n\n');
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs);
  function finish(): void {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    subscription?.unsubscribe();
    options.streams.delete(finish);
    raw.end();
  }
  options.streams.add(finish);
  raw.on('close', finish);
  for (const event of [...subscription.past, ...early]) send(event);
  live = true;
  const status = store.get(id)?.status;
  if (status !== undefined && terminalStatuses.has(status) && !ended) {
    // The task had ended before this stream caught up; whatever was missed came from its file above.
    finish();
  }
}
