// The embedder a fresh install uses: all-MiniLM-L6-v2 from the bundled weights,
// converted on first use, running in a worker thread, with no network access.
import { ensureMiniLmModel } from './convert-minilm.js';
import type { Embedder } from './embedder.js';
import type { EncoderPrecision } from './quantize.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import { createWorkerEmbedder } from './worker-embedder.js';

/** Options of `createDefaultEmbedder`. */
export interface DefaultEmbedderOptions {
  /** Cache root; the converted model goes to `<cacheDir>/models/`. */
  cacheDir: string;
  /** Cap on ONNX Runtime threads; see `TransformersEmbedderOptions.threads`. */
  threads?: number;
  /** Texts per model run. */
  batchSize?: number;
  /** int8 (the default: about 3x faster, cosine >= 0.98 to fp32) or fp32 projections. */
  precision?: EncoderPrecision;
  /** Aborts the conversion or the model load. */
  signal?: AbortSignal;
}

/** Converts the MiniLM weights if needed and starts a worker-thread embedder on them, offline. */
export async function createDefaultEmbedder(options: DefaultEmbedderOptions): Promise<Embedder> {
  const { signal } = options;
  const precision = options.precision ?? 'int8';
  const modelDir = await ensureMiniLmModel(options.cacheDir, signal === undefined ? { precision } : { signal, precision });
  const embedderOptions: TransformersEmbedderOptions = { modelDir, allowRemote: false };
  if (options.threads !== undefined) embedderOptions.threads = options.threads;
  if (options.batchSize !== undefined) embedderOptions.batchSize = options.batchSize;
  return createWorkerEmbedder(embedderOptions, signal === undefined ? {} : { signal });
}
