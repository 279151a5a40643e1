// Embedder on an Ollama server's /api/embed: reads the model's context length and
// vector size from /api/show, caps each input to fit the context, sends batches,
// and normalizes the vectors. Each request carries the caller's AbortSignal.
import { Ollama, type ShowResponse } from 'ollama';
import { MinionsError, describeCause } from '../../schemas/index.js';
import { abortable, abortReason } from './abort.js';
import type { EmbedOptions, Embedder } from './embedder.js';

/** Options of `createOllamaEmbedder`. */
export interface OllamaEmbedderOptions {
  /** The Ollama server, e.g. `http://127.0.0.1:11434`. */
  host: string;
  /** A pulled embedding model, e.g. `nomic-embed-text`. */
  model: string;
  /** Texts per /api/embed request; defaults to 32. */
  batchSize?: number;
  /** Ollama's `keep_alive`: how long the model stays loaded after a request (`'10m'`, seconds, `-1`); the server's default when unset. */
  keepAlive?: string | number;
  /** Replaces the global `fetch`. */
  fetch?: typeof fetch;
  /** Aborts the model lookup at creation. */
  signal?: AbortSignal;
}

/** Characters per token assumed when capping inputs; code runs 3 to 4, so 3 errs toward short inputs. */
const charactersPerToken = 3;
/** Assumed context when the server reports none: that of the smallest common embedding models. */
const fallbackContextLength = 512;
const defaultBatchSize = 32;

/**
 * Connects to an embedding model served by Ollama and returns an `Embedder` with
 * `modelId` `ollama:<model>`. Throws `MinionsError('model-unavailable')` when the
 * server is unreachable or the model is not pulled, and `'invalid-argument'` for
 * bad options.
 */
export async function createOllamaEmbedder(options: OllamaEmbedderOptions): Promise<Embedder> {
  const { model, signal } = options;
  if (model.trim() === '') throw new MinionsError('invalid-argument', 'The Ollama embedding model name is empty; set it to a pulled model such as nomic-embed-text.');
  const batchSize = options.batchSize ?? defaultBatchSize;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new MinionsError('invalid-argument', `batchSize must be a positive integer, got ${batchSize}`);
  signal?.throwIfAborted();

  const connection = new OllamaConnection(options.host, model, options.fetch ?? globalThis.fetch);
  const shown = await connection.request(signal, (client) => client.show({ model }));
  if (Array.isArray(shown.capabilities) && shown.capabilities.length > 0 && !shown.capabilities.includes('embedding')) {
    throw new MinionsError(
      'model-unavailable',
      `Model ${model} in Ollama at ${options.host} cannot embed (capabilities: ${shown.capabilities.join(', ')}); configure an embedding model such as nomic-embed-text.`,
    );
  }
  const facts = modelFacts(shown);
  const contextLength = facts.contextLength ?? fallbackContextLength;
  const embedder = new OllamaEmbedder(connection, {
    model,
    batchSize,
    keepAlive: options.keepAlive,
    maxCharacters: contextLength * charactersPerToken,
    dimension: facts.dimension,
  });
  if (facts.dimension === undefined) await embedder.probeDimension(signal);
  return embedder;
}

/** Context length and vector size from /api/show's `model_info` (`<architecture>.context_length` and `.embedding_length`). */
function modelFacts(shown: ShowResponse): { contextLength?: number; dimension?: number } {
  const info: unknown = shown.model_info;
  const entries = new Map<string, unknown>(info instanceof Map ? info : Object.entries(typeof info === 'object' && info !== null ? info : {}));
  const architecture = entries.get('general.architecture');
  const lookup = (suffix: string): number | undefined => {
    // Without an architecture, take the first key of that kind; with one, only its own (a projector's would mislead).
    const value = typeof architecture === 'string' ? entries.get(`${architecture}.${suffix}`) : [...entries].find(([key]) => key.endsWith(`.${suffix}`))?.[1];
    return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const facts: { contextLength?: number; dimension?: number } = {};
  // The runner loads at most `num_ctx` tokens when the model's parameters set it lower.
  const numCtx = Number(/^num_ctx\s+(\d+)/m.exec(typeof shown.parameters === 'string' ? shown.parameters : '')?.[1] ?? Number.NaN);
  const contextLength = lookup('context_length');
  if (contextLength !== undefined) facts.contextLength = Number.isNaN(numCtx) ? contextLength : Math.min(contextLength, numCtx);
  else if (numCtx > 0) facts.contextLength = numCtx;
  const dimension = lookup('embedding_length');
  if (dimension !== undefined) facts.dimension = dimension;
  return facts;
}

/** The settings one embedder sends with every request. */
interface EmbedSettings {
  model: string;
  batchSize: number;
  keepAlive: string | number | undefined;
  maxCharacters: number;
  dimension: number | undefined;
}

class OllamaEmbedder implements Embedder {
  readonly modelId: string;
  private knownDimension: number | undefined;

  constructor(
    private readonly connection: OllamaConnection,
    private readonly settings: EmbedSettings,
  ) {
    this.modelId = `ollama:${settings.model}`;
    this.knownDimension = settings.dimension;
  }

  get dimension(): number {
    return this.knownDimension ?? 0;
  }

  /** Learns the vector size by embedding one text, for servers whose /api/show does not report it. */
  async probeDimension(signal: AbortSignal | undefined): Promise<void> {
    const [vector] = await this.embedBatch(['dimension probe'], signal);
    this.knownDimension = vector?.length;
    if (this.knownDimension === undefined || this.knownDimension === 0) {
      throw new MinionsError('model-unavailable', `Model ${this.settings.model} in Ollama at ${this.connection.host} returned no vector for a probe text; is it an embedding model?`);
    }
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.connection.closed) throw new MinionsError('model-unavailable', 'The Ollama embedder is closed');
    const vectors: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.settings.batchSize) {
      signal?.throwIfAborted();
      const batch = texts.slice(start, start + this.settings.batchSize).map((text) => capLength(text, this.settings.maxCharacters));
      vectors.push(...(await this.embedBatch(batch, signal)));
    }
    return vectors;
  }

  async close(): Promise<void> {
    this.connection.close();
  }

  private async embedBatch(input: string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    const { model, keepAlive } = this.settings;
    const request = keepAlive === undefined ? { model, input, truncate: true } : { model, input, truncate: true, keep_alive: keepAlive };
    const response = await this.connection.request(signal, (client) => client.embed(request));
    const embeddings: unknown = response.embeddings;
    if (!Array.isArray(embeddings) || embeddings.length !== input.length) {
      throw new MinionsError('model-unavailable', `Ollama at ${this.connection.host} returned ${Array.isArray(embeddings) ? embeddings.length : 'no'} vectors for ${input.length} texts with model ${model}`);
    }
    return embeddings.map((values: unknown) => {
      const vector = Array.isArray(values) ? Float32Array.from(values as number[]) : new Float32Array(0);
      if (this.knownDimension !== undefined && vector.length !== this.knownDimension) {
        throw new MinionsError(
          'model-unavailable',
          `Model ${model} in Ollama at ${this.connection.host} returned a vector of ${vector.length} dimensions where ${this.knownDimension} were expected`,
        );
      }
      return normalize(vector);
    });
  }
}

/** At most `limit` characters, never ending inside a surrogate pair. */
function capLength(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const code = text.charCodeAt(limit - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit);
}

/** Scales to unit length in place; a zero vector stays zero. */
function normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let index = 0; index < vector.length; index += 1) vector[index] = (vector[index] as number) / norm;
  return vector;
}

/** The server and model behind an embedder; turns client failures into `MinionsError`s and threads abort signals into fetch. */
class OllamaConnection {
  private readonly closing = new AbortController();

  constructor(
    readonly host: string,
    private readonly model: string,
    private readonly baseFetch: typeof fetch,
  ) {
    try {
      // The client parses the host when constructed; doing it once here reports a bad host before any request.
      new Ollama({ host });
    } catch (error) {
      throw new MinionsError('invalid-argument', `The Ollama host "${host}" is not a valid URL: ${(error as Error).message}`, { cause: error });
    }
  }

  get closed(): boolean {
    return this.closing.signal.aborted;
  }

  close(): void {
    this.closing.abort();
  }

  /**
   * Runs one client call on a client whose fetch carries `signal` (the client itself
   * passes no signal for non-streaming calls), rejecting as soon as it aborts.
   */
  async request<T>(signal: AbortSignal | undefined, call: (client: Ollama) => Promise<T>): Promise<T> {
    const combined = signal === undefined ? this.closing.signal : AbortSignal.any([signal, this.closing.signal]);
    const fetchWithSignal: typeof fetch = (input, init) =>
      this.baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, combined]) : combined });
    try {
      return await abortable(call(new Ollama({ host: this.host, fetch: fetchWithSignal })), combined);
    } catch (error) {
      if (signal?.aborted === true) throw abortReason(signal);
      if (this.closed) throw new MinionsError('model-unavailable', 'The Ollama embedder is closed', { cause: error });
      throw this.describe(error);
    }
  }

  private describe(error: unknown): MinionsError {
    const status = (error as { status_code?: unknown }).status_code;
    const message = error instanceof Error ? error.message : String(error);
    if ((error as Error).name === 'ResponseError' && typeof status === 'number') {
      if (status === 404) {
        return new MinionsError('model-unavailable', `Model ${this.model} is not available in Ollama at ${this.host}; run \`ollama pull ${this.model}\`.`, { cause: error });
      }
      return new MinionsError('model-unavailable', `Ollama at ${this.host} failed with model ${this.model} (HTTP ${status}): ${message}`, { cause: error });
    }
    if (error instanceof SyntaxError) {
      return new MinionsError('model-unavailable', `The server at ${this.host} does not answer like Ollama (${message}); check OLLAMA_HOST.`, { cause: error });
    }
    return new MinionsError(
      'model-unavailable',
      `Ollama is not reachable at ${this.host}: ${describeCause(error)}. Start it with \`ollama serve\` or set OLLAMA_HOST.`,
      { cause: error },
    );
  }
}
