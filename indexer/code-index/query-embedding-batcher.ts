// Query embeddings batched across concurrent callers. Embedding one query at a time caps
// hybrid search at one model run per query; a model runs a batch of short queries in not
// much more time than one, so queries that arrive together are embedded together.
import { abortReason } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import type { EmbedOptions, Embedder } from '../embedding/index.js';
import type { EmbedderProvider } from './embedder-provider.js';

/** How many query texts go into one batch by default. */
export const DEFAULT_QUERY_BATCH = 32;

/** Options of `batchQueryEmbeddings` and `batchedQueries`. */
export interface QueryBatchOptions {
  /**
   * Most texts in one batch (a caller with more is sent alone, whole). 1 turns batching
   * off: each call goes straight to the embedder, at once, as without a batcher.
   */
  maxBatch?: number | undefined;
}

/** One caller waiting for its vectors. */
interface Waiter {
  texts: readonly string[];
  resolve(vectors: Float32Array[]): void;
  reject(error: unknown): void;
  /** Set once the caller has its answer or has left (aborted). */
  settled: boolean;
  /** The batch it was sent in; undefined while queued. */
  batch?: Batch;
}

/** A batch in flight: aborted once every caller in it has left. */
interface Batch {
  live: number;
  controller: AbortController;
}

/**
 * Wraps an embedder so that concurrent `embed` calls share model runs. A call made while
 * no batch runs is sent at once (a lone query waits for nothing); calls made while one
 * runs queue up and go together as the next batch when it returns, up to `maxBatch`
 * texts. Identical texts in a batch are embedded once; each caller gets its own vectors.
 * A caller's abort rejects its call alone (the batch is cancelled when all its callers
 * have left); an embedder error rejects every caller of that batch with that error.
 * `close` closes the wrapped embedder.
 */
export function batchQueryEmbeddings(embedder: Embedder, options: QueryBatchOptions = {}): Embedder {
  const maxBatch = options.maxBatch ?? DEFAULT_QUERY_BATCH;
  if (maxBatch <= 1) return embedder;
  return new QueryEmbeddingBatcher(embedder, maxBatch);
}

/**
 * An `EmbedderProvider` whose embedder batches queries (`batchQueryEmbeddings`) in front
 * of `provider`'s: the query path of a code index uses it, indexing the provider itself
 * (its batches are already large). One batcher per embedder the provider hands out.
 */
export function batchedQueries(provider: EmbedderProvider, options: QueryBatchOptions = {}): EmbedderProvider {
  if ((options.maxBatch ?? DEFAULT_QUERY_BATCH) <= 1) return provider;
  const batchers = new WeakMap<Embedder, Embedder>();
  return {
    async get(signal) {
      const embedder = await provider.get(signal);
      let batcher = batchers.get(embedder);
      if (batcher === undefined) {
        batcher = batchQueryEmbeddings(embedder, options);
        batchers.set(embedder, batcher);
      }
      return batcher;
    },
    close: () => provider.close(),
  };
}

class QueryEmbeddingBatcher implements Embedder {
  private readonly queue: Waiter[] = [];
  private running = false;

  constructor(
    private readonly embedder: Embedder,
    private readonly maxBatch: number,
  ) {}

  get modelId(): string {
    return this.embedder.modelId;
  }

  get dimension(): number {
    return this.embedder.dimension;
  }

  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (texts.length === 0) return Promise.resolve([]);
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = (): void => this.leave(waiter, abortReason(signal as AbortSignal));
      const waiter: Waiter = {
        // A copy: the caller may reuse its array before the batch is sent.
        texts: [...texts],
        settled: false,
        resolve: (vectors) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(vectors);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  close(): Promise<void> {
    return this.embedder.close();
  }

  /** A caller aborted: out of the queue, or out of its batch (cancelled when it was the last one in it). */
  private leave(waiter: Waiter, reason: unknown): void {
    if (waiter.settled) return;
    waiter.settled = true;
    const queued = this.queue.indexOf(waiter);
    if (queued >= 0) this.queue.splice(queued, 1);
    if (waiter.batch !== undefined) {
      waiter.batch.live -= 1;
      if (waiter.batch.live === 0) waiter.batch.controller.abort(reason);
    }
    waiter.reject(reason);
  }

  /** Sends the queue as the next batch unless one is running (its return sends the next). */
  private pump(): void {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    const callers = this.take();
    void this.run(callers).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  /** The queued callers of the next batch, first come first served: at least one, then up to `maxBatch` texts. */
  private take(): Waiter[] {
    let count = 0;
    let taken = 0;
    for (const waiter of this.queue) {
      if (taken > 0 && count + waiter.texts.length > this.maxBatch) break;
      count += waiter.texts.length;
      taken += 1;
    }
    return this.queue.splice(0, taken);
  }

  private async run(callers: Waiter[]): Promise<void> {
    const batch: Batch = { live: callers.length, controller: new AbortController() };
    const slots = new Map<string, number>();
    for (const waiter of callers) {
      waiter.batch = batch;
      for (const text of waiter.texts) if (!slots.has(text)) slots.set(text, slots.size);
    }
    try {
      const vectors = await this.embedder.embed([...slots.keys()], { signal: batch.controller.signal });
      if (vectors.length !== slots.size) throw new MinionsError('internal', `The embedder returned ${vectors.length} vectors for ${slots.size} texts.`);
      const handedOut = new Set<number>();
      for (const waiter of callers) {
        if (waiter.settled) continue;
        waiter.settled = true;
        waiter.resolve(waiter.texts.map((text) => ownVector(vectors, slots.get(text) as number, handedOut)));
      }
    } catch (error) {
      for (const waiter of callers) {
        if (waiter.settled) continue;
        waiter.settled = true;
        waiter.reject(error);
      }
    }
  }
}

/** The vector of a slot, copied when an earlier caller already has it: no two callers share an array. */
function ownVector(vectors: readonly Float32Array[], slot: number, handedOut: Set<number>): Float32Array {
  const vector = vectors[slot] as Float32Array;
  if (!handedOut.has(slot)) {
    handedOut.add(slot);
    return vector;
  }
  return vector.slice();
}
