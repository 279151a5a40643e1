// One model on one Ollama server, reached with the `ollama` npm client: every request
// carries the caller's AbortSignal (the client passes none on non-streaming calls),
// and every failure becomes a MinionsError a user can act on.
import { createRequire } from 'node:module';
import type * as OllamaModule from 'ollama';
import type { Ollama } from 'ollama';
import { MinionsError } from '../../schemas/index.js';
import { abortReason, abortable, describeCause } from '../abort.js';

const require = createRequire(import.meta.url);

/**
 * The client class, loaded on the first connection: importing it costs ~15 ms of CPU at
 * start-up, which a command that talks to no model (a text query, `--help`) should not
 * pay. Errors are recognised by name, never by class, so which build loads does not matter.
 */
function ollamaClient(): typeof Ollama {
  return (require('ollama') as typeof OllamaModule).Ollama;
}

/** Options of `OllamaConnection`. */
export interface OllamaConnectionOptions {
  /** The server, e.g. `http://127.0.0.1:11434`. */
  host: string;
  model: string;
  /** Replaces the global `fetch`. */
  fetch?: typeof fetch;
  /** The message when the server does not have the model (HTTP 404); by default it names `ollama pull`. */
  missingModelMessage?: string;
}

/** Options of one `OllamaConnection.request`. */
export interface OllamaRequestOptions {
  signal?: AbortSignal | undefined;
  /** Gives up after this long with a timeout error (phase `metadata`). */
  timeoutMs?: number;
}

/** A fetch that always carries `signal` besides the one the client passes, if any. */
export function withSignal(baseFetch: typeof fetch, signal: AbortSignal): typeof fetch {
  return (input, init) => baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

/** The MinionsError for a failed client call: model not pulled, an HTTP error, not Ollama, or not reachable. */
export function describeOllamaError(error: unknown, host: string, model: string, missingModelMessage?: string): MinionsError {
  if (error instanceof MinionsError) return error;
  const status = (error as { status_code?: unknown }).status_code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ResponseError' && typeof status === 'number') {
    if (status === 404) {
      return new MinionsError('model-unavailable', missingModelMessage ?? `Model ${model} is not pulled in Ollama at ${host}; run \`ollama pull ${model}\`.`, { cause: error });
    }
    return new MinionsError('model-unavailable', `Ollama at ${host} failed with model ${model} (HTTP ${status}): ${message}`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new MinionsError('model-unavailable', `The server at ${host} does not answer like Ollama (${message}); check OLLAMA_HOST.`, { cause: error });
  }
  return new MinionsError('model-unavailable', `Ollama is not reachable at ${host}: ${describeCause(error)}. Start it with \`ollama serve\` or set OLLAMA_HOST.`, { cause: error });
}

/** The error for a request that outlived its timeout: describing the model, loading it, or between streamed chunks. */
export function ollamaTimeoutError(host: string, model: string, milliseconds: number, phase: 'metadata' | 'load' | 'stream'): MinionsError {
  const seconds = milliseconds < 10_000 ? (milliseconds / 1000).toFixed(1) : String(Math.round(milliseconds / 1000));
  const what =
    phase === 'metadata'
      ? `did not describe model ${model} within ${seconds} s`
      : phase === 'load'
        ? `sent nothing for ${seconds} s while loading model ${model} and reading the prompt (a large model on a slow disk or CPU can need longer; raise the load timeout)`
        : `stopped streaming from model ${model} for ${seconds} s`;
  return new MinionsError('model-unavailable', `Ollama at ${host} ${what}.`);
}

/** The server and model behind an embedder or a chat model; closing it aborts every request in flight. */
export class OllamaConnection {
  readonly host: string;
  readonly model: string;
  private readonly baseFetch: typeof fetch;
  private readonly missingModelMessage: string | undefined;
  private readonly closing = new AbortController();

  /** Throws `invalid-argument` when the client cannot parse the host. */
  constructor(options: OllamaConnectionOptions) {
    this.host = options.host;
    this.model = options.model;
    this.baseFetch = options.fetch ?? globalThis.fetch;
    this.missingModelMessage = options.missingModelMessage;
    try {
      // The client parses the host when constructed; doing it once here reports a bad host before any request.
      new (ollamaClient())({ host: options.host });
    } catch (error) {
      throw new MinionsError('invalid-argument', `The Ollama host "${options.host}" is not a valid URL: ${(error as Error).message}`, { cause: error });
    }
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  close(): void {
    this.closing.abort();
  }

  /** A client whose every request carries `signal` and ends when the connection closes; for streaming calls. */
  client(signal: AbortSignal): Ollama {
    const Client = ollamaClient();
    return new Client({ host: this.host, fetch: withSignal(this.baseFetch, AbortSignal.any([signal, this.closing.signal])) });
  }

  /** The MinionsError for a failed call on this connection. */
  describe(error: unknown): MinionsError {
    return describeOllamaError(error, this.host, this.model, this.missingModelMessage);
  }

  /**
   * Runs one client call, rejecting as soon as the caller's signal aborts (with its
   * reason), the timeout passes or the connection closes (`model-unavailable`).
   */
  async request<T>(call: (client: Ollama) => Promise<T>, options: OllamaRequestOptions = {}): Promise<T> {
    const { signal, timeoutMs } = options;
    const timeout = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([...(signal ? [signal] : []), ...(timeout ? [timeout] : []), this.closing.signal]);
    try {
      return await abortable(call(this.client(combined)), combined);
    } catch (error) {
      if (signal?.aborted === true) throw abortReason(signal);
      if (this.closed) throw new MinionsError('model-unavailable', `The connection to model ${this.model} in Ollama at ${this.host} is closed`, { cause: error });
      if (timeout?.aborted === true) throw ollamaTimeoutError(this.host, this.model, timeoutMs ?? 0, 'metadata');
      throw this.describe(error);
    }
  }
}
