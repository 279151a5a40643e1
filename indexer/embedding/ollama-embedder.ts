// Embedder on an Ollama server's /api/embed: reads the model's context length and
// vector size from /api/show, caps each input to fit the context, sends batches,
// and normalizes the vectors. Each request carries the caller's AbortSignal.
import { OllamaConnection, modelFacts } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
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

  const connection = new OllamaConnection({
    host: options.host,
    model,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    missingModelMessage: `Model ${model} is not available in Ollama at ${options.host}; run \`ollama pull ${model}\`.`,
  });
  const facts = modelFacts(await connection.request((client) => client.show({ model }), { signal }));
  if (facts.capabilities.length > 0 && !facts.capabilities.includes('embedding')) {
    throw new MinionsError(
      'model-unavailable',
      `Model ${model} in Ollama at ${options.host} cannot embed (capabilities: ${facts.capabilities.join(', ')}); configure an embedding model such as nomic-embed-text.`,
    );
  }
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
    const response = await this.connection.request((client) => client.embed(request), { signal });
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
