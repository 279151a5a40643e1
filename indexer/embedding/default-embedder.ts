// The embedder a fresh install uses: all-MiniLM-L6-v2 from the bundled weights,
// converted on first use, running in a worker thread, with no network access.
import { availableParallelism } from 'node:os';
import { ensureMiniLmModel } from './convert-minilm.js';
import { createEmbedderPool } from './embedder-pool.js';
import type { Embedder } from './embedder.js';
import type { EncoderPrecision } from './quantize.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import { createWorkerEmbedder } from './worker-embedder.js';

/** Options of `createDefaultEmbedder`. */
export interface DefaultEmbedderOptions {
  /** Cache root; the converted model goes to `<cacheDir>/models/`. */
  cacheDir: string;
  /** Cap on ONNX Runtime's intra-op threads of each session; defaults to the cores shared among the sessions, at most 4. */
  threads?: number;
  /** Model sessions, each in its own worker thread; defaults to `defaultSessions()`. */
  sessions?: number;
  /** Texts per model run. */
  batchSize?: number;
  /**
   * int8 (the default) or fp32 projections: int8 (plan revision 3) embeds about 1.8x as
   * fast as fp32 on the same threads, 3x the single-threaded fp32 session the indexer had
   * before, and its R@1 and MRR stay within 0.01 of fp32 over both dev sets together
   * (docs/benchmarks.md). Each precision has its own model id, so switching re-embeds.
   */
  precision?: EncoderPrecision;
  /** Aborts the conversion or the model load. */
  signal?: AbortSignal;
}

/**
 * One session: each session holds its own copy of the model and of ONNX Runtime's
 * working memory, and a second one put a cold index of fastify at 777 MB against 550 MB
 * with one, over issue 13's 600 MB (docs/benchmarks.md, "Peak RSS"). On 2 cores two
 * sessions embed 1.2-1.6x faster than one; `MINIONS_EMBED_SESSIONS=2` buys that speed
 * with the memory.
 */
export function defaultSessions(): number {
  return 1;
}

/** Converts the MiniLM weights if needed and starts worker-thread sessions on them, offline. */
export async function createDefaultEmbedder(options: DefaultEmbedderOptions): Promise<Embedder> {
  const { signal } = options;
  const precision = options.precision ?? 'int8';
  const modelDir = await ensureMiniLmModel(options.cacheDir, signal === undefined ? { precision } : { signal, precision });
  const embedderOptions: TransformersEmbedderOptions = { modelDir, allowRemote: false };
  const sessions = options.sessions ?? defaultSessions();
  // Sessions times threads stays within the cores: oversubscribed threads only wait on each other.
  embedderOptions.threads = options.threads ?? Math.min(4, Math.max(1, Math.floor(availableParallelism() / sessions)));
  if (options.batchSize !== undefined) embedderOptions.batchSize = options.batchSize;
  const start = signal === undefined ? {} : { signal };
  const members = await Promise.allSettled(Array.from({ length: sessions }, () => createWorkerEmbedder(embedderOptions, start)));
  const started = members.flatMap((member) => (member.status === 'fulfilled' ? [member.value] : []));
  const failed = members.find((member) => member.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(started.map((member) => member.close()));
    throw failed.reason;
  }
  return createEmbedderPool(started);
}
