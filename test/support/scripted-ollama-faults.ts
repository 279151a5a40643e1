// The ways a real Ollama fails a chat turn, for the scripted server: an error status
// before streaming (503 when its queue is full, 500 when the runner died or its
// tool-call parser choked), an `{"error": ...}` line in the middle of a 200 stream, a
// connection reset mid-stream; and how it loads a model: a chat request without
// messages (or a generate request without a prompt) answered `done_reason: "load"`,
// and /api/ps listing what is loaded. The bodies are Ollama's own words.
import type { ServerResponse } from 'node:http';

/** A failure of one scripted chat turn. */
export type ChatFault =
  /** An error answer before any streaming: the status and Ollama's `{"error": ...}` body. */
  | { kind: 'status'; status: number; error: string }
  /** A 200 stream that sends `afterChunks` records of the reply, then an `{"error": ...}` line (under `key`, default `error`), and ends. */
  | { kind: 'error-line'; afterChunks: number; error: string; key?: string }
  /** A 200 stream that sends `afterChunks` records of the reply, then resets the connection (TCP RST). */
  | { kind: 'reset'; afterChunks: number };

/** Ollama's error answers, as its server sends them. */
export const ollamaFaults = {
  /** server/sched.go, when more requests wait than OLLAMA_MAX_QUEUE (503 since 0.1.34). */
  busy: { kind: 'status', status: 503, error: 'server busy, please try again.  maximum pending requests exceeded' },
  /** The runner process exited while loading or serving (a segfault, out of memory). */
  runnerTerminated: { kind: 'status', status: 500, error: 'llama runner process has terminated: exit status 2' },
  /** The runner stopped answering mid-request (0.5+). */
  runnerStopped: {
    kind: 'status',
    status: 500,
    error: 'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details',
  },
  /** Ollama's own parser of the model's tool-call text failing (gpt-oss, qwen3 with multi-line arguments). */
  toolCallParse: {
    kind: 'status',
    status: 500,
    error: `error parsing tool call: raw='{"name":"edit_file","arguments":{"path":"src/math.js","search":"  return a - b;"}}]', err=invalid character ']' after top-level value`,
  },
  /** The error line a stream ends with when the runner fails mid-reply. */
  streamError: (afterChunks: number): ChatFault => ({ kind: 'error-line', afterChunks, error: 'an error was encountered while running the model: unexpected EOF' }),
  /** Ollama 0.11.3 streamed its tool-call parser's error under the wrong key (ollama/ollama#11781). */
  toolCallParseLine: (afterChunks: number): ChatFault => ({ kind: 'error-line', afterChunks, key: 'error parsing tool call', error: "invalid character 'c' looking for beginning of value" }),
  reset: (afterChunks: number): ChatFault => ({ kind: 'reset', afterChunks }),
} satisfies Record<string, ChatFault | ((afterChunks: number) => ChatFault)>;

/**
 * Answers a chat turn scripted to fail. `records` are the NDJSON records of the reply
 * (the last one `done: true`); a mid-stream fault sends the first `afterChunks` of them.
 */
export function serveChatFault(response: ServerResponse, fault: ChatFault, records: readonly Record<string, unknown>[]): void {
  if (fault.kind === 'status') {
    response.writeHead(fault.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: fault.error }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/x-ndjson' });
  for (const record of records.slice(0, Math.min(fault.afterChunks, records.length - 1))) response.write(`${JSON.stringify(record)}\n`);
  if (fault.kind === 'error-line') {
    response.end(`${JSON.stringify({ [fault.key ?? 'error']: fault.error })}\n`);
    return;
  }
  // Flush what was written, then cut the connection the way a crashed server's kernel does.
  response.socket?.write('', () => response.socket?.resetAndDestroy());
}

/** The models a scripted server has loaded, and an optional gate every load waits on. */
export class LoadedModels {
  private readonly loaded = new Set<string>();
  private gate: Promise<void> | undefined;

  /** Makes loads wait until `gate` settles (a test releases it after it saw the load start). */
  holdLoads(gate: Promise<void> | undefined): void {
    this.gate = gate;
  }

  /** Marks a model loaded, at once when it was already; else after the gate. */
  async load(name: string): Promise<void> {
    if (this.loaded.has(name)) return;
    await this.gate;
    this.loaded.add(name);
  }

  /** /api/ps: the loaded models. */
  psBody(details: (name: string) => Record<string, unknown>): { models: Record<string, unknown>[] } {
    const expires = new Date(Date.now() + 30 * 60_000).toISOString();
    return { models: [...this.loaded].map((name) => ({ ...details(name), expires_at: expires, size_vram: 0 })) };
  }
}

/** What Ollama answers a request that only loads a model (no messages, no prompt). */
export function loadRecord(model: string, chat: boolean): Record<string, unknown> {
  const head = { model, created_at: new Date().toISOString() };
  return chat ? { ...head, message: { role: 'assistant', content: '' }, done_reason: 'load', done: true } : { ...head, response: '', done_reason: 'load', done: true };
}

/**
 * /api/generate, of which only the load request (no prompt) is scripted: minions never
 * generates. `model` is the known model's name, undefined when the server has none.
 */
export async function serveGenerate(response: ServerResponse, loaded: LoadedModels, body: Record<string, unknown>, model: string | undefined): Promise<void> {
  const send = (status: number, answer: unknown): void => void response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
  if (model === undefined) return send(404, { error: `model "${String(body.model)}" not found, try pulling it first` });
  if (typeof body.prompt === 'string' && body.prompt !== '') return send(400, { error: 'scripted Ollama: only the load request is scripted on /api/generate' });
  await loaded.load(model);
  send(200, loadRecord(String(body.model), false));
}
