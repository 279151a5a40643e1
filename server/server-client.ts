// A client of a running `minions serve`: the JSON routes and a task's event stream, for the
// `minions tasks` commands and `minions mcp` when a server runs. `fetch` and Node built-ins
// only, so the commands that use it load nothing of the index, the agent or Fastify.
import { MinionsError, isErrorCode, type ErrorCode, type TaskEvent } from '../schemas/index.js';
import { quickDataDir } from './data-dir.js';
import { readRunningServer } from './server-file.js';
import { readSetting } from './settings.js';

/** Where a server is and the token to show it. */
export interface ServerTarget {
  /** Base URL without a trailing slash (`http://127.0.0.1:7337`). */
  url: string;
  token: string | undefined;
}

/** How a command names its server: `--server URL`, `--token T`, `--data-dir DIR` (all optional). */
export interface ServerChoice {
  server?: string | undefined;
  token?: string | undefined;
  dataDir?: string | undefined;
}

/**
 * The server a client command talks to: `--server URL` when given, else the `minions serve`
 * running on the data directory (its `locks/server.json`). The token is the `token` setting
 * (`--token`, else MINIONS_TOKEN). No server is a `not-found` error in one line that says how to start one.
 */
export async function findServer(choice: ServerChoice, env: NodeJS.ProcessEnv, cwd: string): Promise<ServerTarget> {
  const given = readSetting('token', env, { token: choice.token });
  const token = given === undefined || given === '' ? undefined : given;
  if (choice.server !== undefined) {
    let url: URL;
    try {
      url = new URL(choice.server);
    } catch {
      throw new MinionsError('invalid-argument', `--server must be a URL such as http://127.0.0.1:7337, not "${choice.server}".`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new MinionsError('invalid-argument', `--server must be an http or https URL, not "${choice.server}".`);
    return { url: url.href.replace(/\/+$/, ''), token };
  }
  const dataDir = quickDataDir(env, choice.dataDir, cwd);
  const running = await readRunningServer(dataDir);
  if (running === undefined) throw new MinionsError('not-found', `No minions server runs on the data directory ${dataDir}: start one with \`minions serve\`, or name one with --server URL.`);
  if (running.token && token === undefined) throw new MinionsError('unauthorized', `The minions server at ${running.url} needs a token: set MINIONS_TOKEN or pass --token.`);
  return { url: running.url, token };
}

/** The server's error envelope as a `MinionsError` with the same code and message. */
export function errorOfAnswer(status: number, text: string, url: string): MinionsError {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } };
    if (error?.message !== undefined) {
      const given = error.code ?? '';
      const code: ErrorCode = isErrorCode(given) ? given : 'internal';
      return new MinionsError(code, error.message, { details: { status, ...(error.details ?? {}) } });
    }
  } catch {
    // not the envelope: a proxy's page or another program on the port
  }
  return new MinionsError('internal', `${url} answered ${status}${text === '' ? '' : `: ${text.replace(/\s+/g, ' ').slice(0, 200)}`}`, { details: { status } });
}

/** A failed connection as one line naming the server. */
function connectionError(url: string, error: unknown): MinionsError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  return new MinionsError('not-found', `Cannot reach the minions server at ${url} (${why}). Is \`minions serve\` running there?`, { cause: error });
}

/** The JSON API and the event streams of one server. */
export class ServerClient {
  constructor(readonly target: ServerTarget) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...extra, ...(this.target.token === undefined ? {} : { authorization: `Bearer ${this.target.token}` }) };
  }

  /** Sends one request; the parsed JSON answer (undefined for 204), or the server's error as a `MinionsError`. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: { body?: unknown; signal?: AbortSignal | undefined } = {}): Promise<T> {
    const url = `${this.target.url}${path}`;
    const init: RequestInit = { method, headers: this.headers(options.body === undefined ? {} : { 'content-type': 'application/json' }), ...(options.signal ? { signal: options.signal } : {}) };
    if (options.body !== undefined) init.body = JSON.stringify(options.body);
    const response = await fetch(url, init).catch((error: unknown) => {
      if (options.signal?.aborted) throw error;
      throw connectionError(this.target.url, error);
    });
    const text = await response.text();
    if (!response.ok) throw errorOfAnswer(response.status, text, url);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * A task's events as they happen, from the first after `afterSeq`, until `task-end`. A
   * connection that drops before then is opened again with `Last-Event-ID` (after the
   * server's `retry` delay), so no event is lost or repeated; `onReconnect` is told.
   */
  async *events(id: string, options: { afterSeq?: number; signal: AbortSignal; onReconnect?: (error: unknown) => void }): AsyncGenerator<TaskEvent> {
    let lastSeq = options.afterSeq ?? 0;
    let retryMs = 2000;
    let failures = 0;
    for (;;) {
      try {
        for await (const message of this.stream(id, lastSeq, options.signal)) {
          if (message.retry !== undefined) retryMs = message.retry;
          if (message.event === undefined) continue;
          failures = 0;
          lastSeq = message.event.seq;
          yield message.event;
          if (message.event.type === 'task-end') return;
        }
      } catch (error) {
        // The task or the server said no (404, 401): reconnecting cannot help.
        if (options.signal.aborted || error instanceof MinionsError) throw error;
        if (++failures > 5) throw connectionError(this.target.url, error);
        options.onReconnect?.(error);
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(done, retryMs);
        options.signal.addEventListener('abort', () => (clearTimeout(timer), done()), { once: true });
      });
      options.signal.throwIfAborted();
    }
  }

  /** One connection to the event stream: its messages until the server ends it. */
  private async *stream(id: string, afterSeq: number, signal: AbortSignal): AsyncGenerator<{ event?: TaskEvent; retry?: number }> {
    const url = `${this.target.url}/v1/tasks/${encodeURIComponent(id)}/events`;
    const response = await fetch(url, { headers: this.headers({ accept: 'text/event-stream', ...(afterSeq > 0 ? { 'last-event-id': String(afterSeq) } : {}) }), signal });
    if (!response.ok) throw errorOfAnswer(response.status, await response.text(), url);
    if (response.body === null) return;
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const part of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(part, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        yield parseMessage(block);
      }
    }
    // A stream that ends without task-end dropped: the caller reconnects.
    throw new Error('the event stream ended before the task did');
  }
}

/** One Server-Sent Events message: its `data` line as a task event, or the `retry` it sets; comments are empty. */
function parseMessage(block: string): { event?: TaskEvent; retry?: number } {
  const data: string[] = [];
  let retry: number | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    else if (line.startsWith('retry:')) retry = Number(line.slice(6).trim());
  }
  return { ...(data.length > 0 ? { event: JSON.parse(data.join('\n')) as TaskEvent } : {}), ...(retry !== undefined && Number.isFinite(retry) ? { retry } : {}) };
}
