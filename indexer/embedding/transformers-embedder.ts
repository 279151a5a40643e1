// In-process embedder on transformers.js (ONNX Runtime): tokenize, truncate, batch
// by similar length, run the encoder, mean-pool and normalize, as sentence-transformers does.
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type * as TransformersModule from '@huggingface/transformers';
import { MinionsError } from '../../schemas/index.js';
import { abortable } from '../../platform/index.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import { meanPoolNormalize, padBatch } from './pooling.js';

/** Where the model comes from: a converted local folder, or a transformers.js model id. */
export type TransformersModelLocation =
  | { modelDir: string; modelId?: string }
  | {
      modelId: string;
      /** Folder for models: looked up in `<cacheDir>/models/<modelId>`, and downloads land there when allowed. */
      cacheDir?: string;
    };

/** Options of `createTransformersEmbedder`; plain data, so they can be sent to a worker thread. */
export type TransformersEmbedderOptions = TransformersModelLocation & {
  /** Whether transformers.js may download from the Hugging Face Hub. False in privacy mode. */
  allowRemote: boolean;
  /** Cap on ONNX Runtime's intra-op threads; defaults to the cores minus one, at most 4. */
  threads?: number;
  /** Texts per model run; defaults to 32. */
  batchSize?: number;
  /** Padded tokens per model run (texts x the longest); defaults to `defaultBatchTokens`. */
  batchTokens?: number;
  /** Longer inputs are truncated to this many tokens, special tokens included; defaults to 256. */
  maxTokens?: number;
  /**
   * Whether a call's texts are sorted by token length before they are cut into batches,
   * so a batch pads (and computes) little; defaults to true. False keeps input order,
   * for measuring what the sorting gains.
   */
  sortByLength?: boolean;
};

type Transformers = typeof TransformersModule;
type Tokenizer = Awaited<ReturnType<Transformers['AutoTokenizer']['from_pretrained']>>;
type Model = Awaited<ReturnType<Transformers['AutoModel']['from_pretrained']>>;

/**
 * Padded tokens per model run by default: 4 texts of the full 256 tokens, 32 of 32. A run's
 * working memory grows with texts x tokens x tokens (attention), and ONNX Runtime's arena
 * keeps the largest run's for the session's life (docs/benchmarks.md, "Peak RSS").
 */
export const defaultBatchTokens = 1024;

/** The default thread cap: leave one core to the rest of the process. */
export function defaultThreads(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}

/**
 * Loads a model with transformers.js and returns an `Embedder`. Configures
 * transformers.js' global `env` (remote access, local model path) of the calling
 * thread; use `createWorkerEmbedder` to keep the model off the main thread.
 * Throws `MinionsError('model-unavailable')` when the model cannot be loaded.
 */
export async function createTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const threads = positiveInteger(options.threads ?? defaultThreads(), 'threads');
  const batchSize = positiveInteger(options.batchSize ?? 32, 'batchSize');
  const maxTokens = positiveInteger(options.maxTokens ?? 256, 'maxTokens');
  const batchTokens = positiveInteger(options.batchTokens ?? defaultBatchTokens, 'batchTokens');
  if (maxTokens < 2) throw new MinionsError('invalid-argument', 'maxTokens must leave room for the special tokens (at least 2)');

  const transformers = await import('@huggingface/transformers');
  const { env, AutoModel, AutoTokenizer, LogLevel } = transformers;
  const { id, modelId, modelsPath } = resolveLocation(options);
  env.allowLocalModels = true;
  env.allowRemoteModels = options.allowRemote;
  env.logLevel = LogLevel.ERROR;
  if (modelsPath !== undefined) {
    env.localModelPath = modelsPath;
    env.cacheDir = modelsPath;
  }

  let tokenizer: Tokenizer;
  let model: Model;
  try {
    const local_files_only = !options.allowRemote;
    tokenizer = await AutoTokenizer.from_pretrained(id, { local_files_only });
    model = await AutoModel.from_pretrained(id, {
      local_files_only,
      dtype: 'fp32',
      device: 'cpu',
      // No memory patterns: ONNX Runtime plans one block per input shape and keeps it, and
      // length-sorted batches have a new shape nearly every run. Without them the model held
      // 20-25 MB less while embedding, at the same speed (docs/benchmarks.md, issue 13).
      session_options: { intraOpNumThreads: threads, interOpNumThreads: 1, enableMemPattern: false },
    });
  } catch (error) {
    const where = 'modelDir' in options ? `from ${options.modelDir}` : `"${id}"${options.allowRemote ? '' : ' (remote downloads are disabled)'}`;
    throw new MinionsError(
      'model-unavailable',
      `Cannot load the embedding model ${where}: ${(error as Error).message}. Delete the model folder to have it converted again, or check the embedding model setting.`,
      { cause: error },
    );
  }

  const run = new TransformersRun(transformers, tokenizer, model, { batchSize, batchTokens, maxTokens, sortByLength: options.sortByLength ?? true });
  let dimension: number;
  try {
    dimension = (await run.embed(['dimension probe'], undefined))[0]?.length ?? 0;
  } catch (error) {
    await model.dispose();
    throw new MinionsError('model-unavailable', `The embedding model "${modelId}" loads but does not run: ${(error as Error).message}`, { cause: error });
  }
  return new TransformersEmbedder(modelId, dimension, run);
}

function resolveLocation(options: TransformersModelLocation): { id: string; modelId: string; modelsPath?: string } {
  if ('modelDir' in options) {
    const name = basename(options.modelDir);
    const modelId = options.modelId ?? name;
    // transformers.js looks a model id up as `<localModelPath>/<id>/`; a name it would not
    // accept as an id is passed as the folder's path, which it then reads directly.
    const usableAsId = /^[\w.-]{1,96}$/.test(name) && !name.includes('..') && !name.includes('--');
    return usableAsId ? { id: name, modelId, modelsPath: `${dirname(options.modelDir)}/` } : { id: resolve(options.modelDir), modelId };
  }
  const location: { id: string; modelId: string; modelsPath?: string } = { id: options.modelId, modelId: options.modelId };
  if (options.cacheDir !== undefined) location.modelsPath = `${join(options.cacheDir, 'models')}/`;
  return location;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new MinionsError('invalid-argument', `${name} must be a positive integer, got ${value}`);
  return value;
}

/**
 * Cuts texts (indices into `lengths`, in the order given) into consecutive batches of at
 * most `batchSize` texts and at most `batchTokens` padded tokens (texts x the longest),
 * which bounds a run's working memory (attention alone holds texts x 12 heads x tokens x
 * tokens floats); a text longer than the budget runs alone.
 */
export function planBatches(order: readonly number[], lengths: readonly number[], limits: { batchSize: number; batchTokens: number }): number[][] {
  const batches: number[][] = [];
  let batch: number[] = [];
  let longest = 0;
  for (const index of order) {
    const length = Math.max(longest, lengths[index] ?? 0);
    if (batch.length > 0 && (batch.length >= limits.batchSize || (batch.length + 1) * length > limits.batchTokens)) {
      batches.push(batch);
      batch = [];
      longest = 0;
    }
    batch.push(index);
    longest = Math.max(longest, lengths[index] ?? 0);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** Tokenization and model runs for one loaded model. */
class TransformersRun {
  private readonly specialIds: ReadonlySet<number>;

  constructor(
    private readonly transformers: Transformers,
    private readonly tokenizer: Tokenizer,
    readonly model: Model,
    private readonly limits: { batchSize: number; batchTokens: number; maxTokens: number; sortByLength: boolean },
  ) {
    this.specialIds = new Set(tokenizer.all_special_ids);
  }

  /** Vectors of the texts, in input order. */
  async embed(texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
    // All of a call's texts are tokenized first: the lengths decide the batches, and the
    // tokenizer costs about 1% of the model's time (docs/benchmarks.md), so overlapping it
    // with the model (which onnxruntime-node runs synchronously on this thread) gains nothing.
    const sequences = texts.map((text) => this.tokenize(text));
    // Sorting by length keeps padding, and so wasted compute, small; results go back in input order.
    const order = sequences.map((_, index) => index);
    if (this.limits.sortByLength) order.sort((a, b) => (sequences[b]?.length ?? 0) - (sequences[a]?.length ?? 0));
    const vectors: Float32Array[] = new Array<Float32Array>(sequences.length);
    const lengths = sequences.map((sequence) => sequence.length);
    for (const indices of planBatches(order, lengths, this.limits)) {
      signal?.throwIfAborted();
      const pooled = await this.runBatch(indices.map((index) => sequences[index] ?? []));
      indices.forEach((index, position) => {
        vectors[index] = pooled[position] as Float32Array;
      });
    }
    return vectors;
  }

  /** Token ids with special tokens; a long text keeps its closing special token (`[SEP]`) after truncation. */
  private tokenize(text: string): number[] {
    const ids = this.tokenizer.encode(text, { add_special_tokens: true });
    const { maxTokens } = this.limits;
    if (ids.length <= maxTokens) return ids;
    const last = ids[ids.length - 1] as number;
    return this.specialIds.has(last) ? [...ids.slice(0, maxTokens - 1), last] : ids.slice(0, maxTokens);
  }

  private async runBatch(sequences: number[][]): Promise<Float32Array[]> {
    const { Tensor } = this.transformers;
    const batch = padBatch(sequences, this.tokenizer.pad_token_id ?? 0);
    const dims = [batch.batchSize, batch.sequenceLength];
    // token_type_ids is left out: transformers.js adds zeros when the model declares the input.
    const outputs = (await this.model({
      input_ids: new Tensor('int64', batch.inputIds, dims),
      attention_mask: new Tensor('int64', batch.attentionMask, dims),
    })) as Record<string, { data: unknown; dims: number[] } | undefined>;
    const hidden = outputs.last_hidden_state ?? outputs.token_embeddings;
    if (hidden === undefined || !(hidden.data instanceof Float32Array) || hidden.dims.length !== 3) {
      throw new MinionsError('model-unavailable', 'The embedding model returned no float32 last_hidden_state of shape [batch, sequence, hidden]');
    }
    return meanPoolNormalize(hidden.data, batch.attentionMask, batch.batchSize, batch.sequenceLength, hidden.dims[2] as number);
  }
}

class TransformersEmbedder implements Embedder {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    readonly modelId: string,
    readonly dimension: number,
    private readonly run: TransformersRun,
  ) {}

  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    // One call at a time: concurrent runs would each take the whole thread cap.
    const work = this.queue.then(async () => {
      signal?.throwIfAborted();
      if (this.closed) throw new MinionsError('model-unavailable', 'The embedder is closed');
      if (texts.length === 0) return [];
      try {
        return await this.run.embed(texts, signal);
      } catch (error) {
        if (signal?.aborted === true || error instanceof MinionsError) throw error;
        throw new MinionsError('internal', `Embedding failed: ${(error as Error).message}`, { cause: error });
      }
    });
    this.queue = work.catch(() => undefined);
    return abortable(work, signal);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue;
    await this.run.model.dispose();
  }
}
