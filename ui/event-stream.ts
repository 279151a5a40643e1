// A task's Server-Sent Events read with fetch and a stream reader: EventSource cannot
// send the Authorization header, and the token must never go into a URL. A dropped
// connection is resumed with Last-Event-ID, so no event is shown twice or missed.
import type { TaskEvent } from '../schemas/index.js';
import { api, authHeaders, failure } from './api.js';

const terminal = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** What `followTask` reports besides the events. */
export interface FollowHandlers {
  onEvent(event: TaskEvent): void;
  /** The connection failed (it is retried unless the error is final, e.g. 401 or 404). */
  onError?(error: unknown, final: boolean): void;
}

const retryMs = 2000;

/** Splits SSE text into messages (blank-line separated) and returns the `data` of each `id`ed one, plus the unfinished rest. */
export function parseMessages(buffer: string): { data: string[]; rest: string } {
  const normalised = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalised.split('\n\n');
  const rest = blocks.pop() ?? '';
  const data: string[] = [];
  for (const block of blocks) {
    const lines = block.split('\n').filter((line) => line.startsWith('data:'));
    if (lines.length > 0) data.push(lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n'));
  }
  return { data, rest };
}

/** Reads one connection until it ends; returns the seq of the last event seen and whether `task-end` came. */
async function readOnce(id: string, afterSeq: number, signal: AbortSignal, handlers: FollowHandlers): Promise<{ lastSeq: number; ended: boolean }> {
  const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
  if (afterSeq > 0) headers['last-event-id'] = String(afterSeq);
  const response = await fetch(`/v1/tasks/${encodeURIComponent(id)}/events`, { headers, signal, cache: 'no-store' });
  if (!response.ok || response.body === null) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let lastSeq = afterSeq;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { lastSeq, ended: false };
    const parsed = parseMessages(buffer + value);
    buffer = parsed.rest;
    for (const data of parsed.data) {
      const event = JSON.parse(data) as TaskEvent;
      if (event.seq <= lastSeq) continue;
      lastSeq = event.seq;
      handlers.onEvent(event);
      if (event.type === 'task-end') {
        await reader.cancel().catch(() => undefined);
        return { lastSeq, ended: true };
      }
    }
  }
}

/**
 * Follows a task's events from the first (or after `afterSeq`) until `task-end` or
 * until `signal` aborts, reconnecting after a dropped connection where it left off.
 */
export async function followTask(id: string, signal: AbortSignal, handlers: FollowHandlers, afterSeq = 0): Promise<void> {
  let lastSeq = afterSeq;
  while (!signal.aborted) {
    try {
      const outcome = await readOnce(id, lastSeq, signal, handlers);
      const quiet = outcome.lastSeq === lastSeq;
      lastSeq = outcome.lastSeq;
      if (outcome.ended) return;
      // The server closes at once a stream of an ended task whose events were all seen already.
      if (quiet && terminal.has((await api.task(id, signal)).status)) return;
    } catch (error) {
      if (signal.aborted) return;
      const status = (error as { status?: number }).status;
      const final = status !== undefined && status >= 400 && status < 500;
      handlers.onError?.(error, final);
      if (final) return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, retryMs);
      signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }
}
