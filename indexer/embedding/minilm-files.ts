// Produces the files of a transformers.js model folder from the MiniLM package's
// `config.json`, `tokenizer.json` and fp16 safetensors weights.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildBertModel, bertWeightShapes, type BertConfig, type BertWeights } from './bert-graph.js';
import { encodeOnnxModel } from './onnx-proto.js';
import { defaultQuantizationPlan, type EncoderPrecision, type QuantizationPlan } from './quantize.js';
import { readSafetensors, SafetensorsFormatError, type SafetensorsFile } from './safetensors.js';

/** Names of the files the weights package ships in its `model/` folder. */
export const sourceFiles = { config: 'config.json', tokenizer: 'tokenizer.json', weights: 'model.fp16.safetensors' } as const;

/** A problem with the source files; the message says which file and what is wrong. */
export class SourceFileError extends Error {
  override readonly name = 'SourceFileError';
}

import type { ModelFiles } from './write-files.js';

export type { ModelFiles };

/** Reads the source folder and returns every file of the converted model, its projections in `precision`. */
export async function buildMiniLmFiles(
  sourceDir: string,
  producerVersion: string,
  signal?: AbortSignal,
  precision: EncoderPrecision = 'fp32',
  plan: QuantizationPlan = defaultQuantizationPlan,
): Promise<ModelFiles> {
  const rawConfig = await readJson(join(sourceDir, sourceFiles.config));
  const config = parseBertConfig(rawConfig);
  const tokenizer = await readJson(join(sourceDir, sourceFiles.tokenizer));
  signal?.throwIfAborted();

  const weightsPath = join(sourceDir, sourceFiles.weights);
  let file: SafetensorsFile;
  try {
    file = await readSafetensors(weightsPath);
  } catch (error) {
    throw describeSourceError(weightsPath, error, signal);
  }
  signal?.throwIfAborted();
  const checkpoint = (): void => signal?.throwIfAborted();
  const weights = finiteWeights(file);
  try {
    checkShapes(file, config);
  } catch (error) {
    throw describeSourceError(weightsPath, error, signal);
  }
  const finalPlan = precision === 'int8' ? await calibrate(config, weights, tokenizer, plan, checkpoint) : plan;
  let model: Uint8Array;
  try {
    model = encodeOnnxModel(buildBertModel(config, weights, producerVersion, checkpoint, precision, finalPlan));
  } catch (error) {
    throw describeSourceError(weightsPath, error, signal);
  }
  signal?.throwIfAborted();

  const files: ModelFiles = new Map();
  files.set('config.json', json({ ...rawConfig, 'transformers.js_config': { dtype: 'fp32' } }));
  // Truncation and padding live in the embedder; the fixed 128-token padding the package's tokenizer declares would be wrong.
  files.set('tokenizer.json', JSON.stringify({ ...tokenizer, truncation: null, padding: null }));
  files.set('tokenizer_config.json', json(tokenizerConfig(config)));
  files.set('onnx/model.onnx', model);
  return files;
}

/** The int8 plan's smoothing factors, measured with the package's own tokenizer (calibrate.ts). */
async function calibrate(config: BertConfig, weights: BertWeights, tokenizer: Record<string, unknown>, plan: QuantizationPlan, checkpoint: () => void): Promise<QuantizationPlan> {
  if (plan.smoothing !== undefined || plan.smoothingAlpha === undefined) return plan;
  const [{ BertTokenizer }, { calibratePlan }] = await Promise.all([import('@huggingface/transformers'), import('./calibrate.js')]);
  const bert = new BertTokenizer({ ...tokenizer, truncation: null, padding: null }, tokenizerConfig(config));
  try {
    return await calibratePlan(config, weights, (text) => bert.encode(text), plan, checkpoint);
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new Error(`calibrating the int8 model failed: ${(error as Error).message}`, { cause: error });
  }
}

function tokenizerConfig(config: BertConfig): Record<string, unknown> {
  return {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    tokenize_chinese_chars: true,
    strip_accents: null,
    clean_up_tokenization_spaces: true,
    model_max_length: config.maxPositionEmbeddings,
    padding_side: 'right',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    mask_token: '[MASK]',
  };
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw describeSourceError(path, error);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Reported below, with the same message as a non-object.
  }
  throw new SourceFileError(`${path} is not a JSON object`);
}

/** Reads the BertModel hyper-parameters, refusing anything the graph builder does not implement. */
export function parseBertConfig(raw: Record<string, unknown>): BertConfig {
  const number = (key: string, fallback?: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
      throw new SourceFileError(`config.json: ${key} must be a positive number, found ${JSON.stringify(raw[key])}`);
    }
    return value;
  };
  if (raw.model_type !== 'bert') throw new SourceFileError(`config.json: model_type is ${JSON.stringify(raw.model_type)}, expected "bert"`);
  if (raw.hidden_act !== 'gelu') throw new SourceFileError(`config.json: hidden_act is ${JSON.stringify(raw.hidden_act)}, expected "gelu"`);
  if ((raw.position_embedding_type ?? 'absolute') !== 'absolute') {
    throw new SourceFileError('config.json: only absolute position embeddings are supported');
  }
  const config: BertConfig = {
    vocabSize: number('vocab_size'),
    hiddenSize: number('hidden_size'),
    numHiddenLayers: number('num_hidden_layers'),
    numAttentionHeads: number('num_attention_heads'),
    intermediateSize: number('intermediate_size'),
    maxPositionEmbeddings: number('max_position_embeddings'),
    typeVocabSize: number('type_vocab_size', 2),
    layerNormEps: number('layer_norm_eps', 1e-12),
  };
  if (config.hiddenSize % config.numAttentionHeads !== 0) {
    throw new SourceFileError('config.json: hidden_size is not a multiple of num_attention_heads');
  }
  return config;
}

function checkShapes(file: SafetensorsFile, config: BertConfig): void {
  for (const [name, shape] of bertWeightShapes(config)) {
    const entry = file.entries.get(name);
    if (entry === undefined) throw new SafetensorsFormatError(`tensor ${name} is missing`);
    if (entry.shape.join(',') !== shape.join(',')) {
      throw new SafetensorsFormatError(`tensor ${name} has shape [${entry.shape.join(', ')}], expected [${shape.join(', ')}] from config.json`);
    }
  }
}

/** Weights that refuse NaN or infinite values, a sign of a damaged file that would otherwise embed garbage. */
function finiteWeights(file: SafetensorsFile): BertWeights {
  const check = (name: string, values: Float32Array): Float32Array => {
    for (const value of values) {
      if (!Number.isFinite(value)) throw new SafetensorsFormatError(`tensor ${name} holds NaN or infinite values`);
    }
    return values;
  };
  return {
    tensor: (name) => check(name, file.float32(name)),
    linear: (name) => check(name, file.float32Transposed(name)),
    half: (name) => {
      const bits = file.float16(name);
      // An all-ones exponent is an infinity or a NaN.
      if (bits.some((value) => (value & 0x7c00) === 0x7c00)) throw new SafetensorsFormatError(`tensor ${name} holds NaN or infinite values`);
      return bits;
    },
  };
}

function describeSourceError(path: string, error: unknown, signal?: AbortSignal): unknown {
  if (signal?.aborted === true) return error;
  if (error instanceof SafetensorsFormatError) return new SourceFileError(`${path} is not usable: ${error.message}`, { cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new SourceFileError(`${path} does not exist`, { cause: error });
  return new SourceFileError(`${path} could not be read: ${(error as Error).message}`, { cause: error });
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
