// Calibration of the int8 graph (SmoothQuant): the fp32 graph runs over calibration texts
// with the input of every encoder projection as an extra output, which gives each input
// channel's largest magnitude; from those and the weights come per-channel smoothing
// factors that move the activations' outlier channels into the weights. Run once, at
// conversion, in well under a second.
import { disableTelemetry } from '../../platform/index.js';
import { buildBertModel, projectionInputs, type BertConfig, type BertWeights } from './bert-graph.js';
import { calibrationTexts } from './calibration-texts.js';
import { OnnxDataType, type ModelProto, type ValueInfoProto } from './onnx-proto.js';
import type { QuantizationPlan } from './quantize.js';

/** Largest |value| of each input channel, by projection name. */
export type InputRanges = Map<string, Float32Array>;

/** Turns a text into token ids with `[CLS]` and `[SEP]`. */
export type Tokenize = (text: string) => number[];

/** The fp32 model's bytes with each value of `inputs` also a graph output; the model itself is not kept. */
export async function probedModel(model: ModelProto, inputs: ReadonlyMap<string, string>): Promise<Uint8Array> {
  const { encodeOnnxModel } = await import('./onnx-proto.js');
  return encodeOnnxModel({ ...model, graph: { ...model.graph, output: [...model.graph.output, ...[...inputs.values()].map(probe)] } });
}

/**
 * Runs a probed model (`probedModel`) on each text alone (no padding to skew the ranges)
 * and returns the per-channel magnitude of each value in `inputs` (projection name -> value
 * name). One thread, no graph optimization, no arena or pre-packed weights: the same sums on
 * every machine, and as little memory as the run can take.
 */
export async function measureInputRanges(model: Uint8Array, inputs: ReadonlyMap<string, string>, tokenize: Tokenize, texts: readonly string[], maxTokens = 256): Promise<InputRanges> {
  // ONNX Runtime reads this from the real environment as it loads (see worker-embedder.ts).
  disableTelemetry(['ORT_DISABLE_TELEMETRY']);
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
    enableCpuMemArena: false,
    enableMemPattern: false,
    extra: { session: { disable_prepacking: '1' } },
  });
  const ranges: InputRanges = new Map();
  try {
    for (const text of texts) {
      const ids = truncate(tokenize(text), maxTokens);
      const shape = [1, ids.length];
      const tensor = (values: number[]): InstanceType<typeof ort.Tensor> => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), shape);
      const outputs = await session.run({ input_ids: tensor(ids), attention_mask: tensor(ids.map(() => 1)), token_type_ids: tensor(ids.map(() => 0)) });
      for (const [projection, name] of inputs) {
        const output = outputs[name];
        if (output === undefined) throw new Error(`calibration: the graph has no value ${name}`);
        accumulate(ranges, projection, output.data as Float32Array, output.dims.at(-1) ?? 0);
      }
    }
  } finally {
    await session.release();
  }
  return ranges;
}

/** A float32 `[batch, sequence, channels]` value declared as a graph output. */
function probe(name: string): ValueInfoProto {
  const dim = ['batch_size', 'sequence_length', `${name}_channels`].map((dimParam) => ({ dimParam }));
  return { name, type: { tensorType: { elemType: OnnxDataType.float, shape: { dim } } } };
}

function truncate(ids: number[], maxTokens: number): number[] {
  return ids.length <= maxTokens ? ids : [...ids.slice(0, maxTokens - 1), ids.at(-1) as number];
}

function accumulate(ranges: InputRanges, projection: string, values: Float32Array, channels: number): void {
  const range = ranges.get(projection) ?? new Float32Array(channels);
  ranges.set(projection, range);
  for (let index = 0; index < values.length; index += 1) {
    const channel = index % channels;
    const magnitude = Math.abs(values[index] as number);
    if (magnitude > (range[channel] as number)) range[channel] = magnitude;
  }
}

/**
 * SmoothQuant's factors `s_j = max|X_j|^alpha / max|W_j|^(1 - alpha)` for one projection,
 * from its input's ranges and its `[inSize, outSize]` weight (several weights side by side
 * for a fused projection). Channels that never moved keep 1.
 */
export function smoothingFactors(range: Float32Array, weights: readonly Float32Array[], outSize: number, alpha: number): Float32Array {
  const factors = new Float32Array(range.length);
  for (let row = 0; row < range.length; row += 1) {
    let weightMax = 0;
    for (const weight of weights) {
      for (let column = 0; column < outSize; column += 1) weightMax = Math.max(weightMax, Math.abs(weight[row * outSize + column] as number));
    }
    const activation = range[row] as number;
    const factor = activation > 0 && weightMax > 0 ? activation ** alpha / weightMax ** (1 - alpha) : 1;
    factors[row] = Math.min(1e4, Math.max(1e-4, factor));
  }
  return factors;
}

/**
 * The plan with its smoothing factors: unchanged when it has them or asks for none
 * (`smoothingAlpha` unset); otherwise measured on `calibrationTexts` through the fp32
 * graph, for every projection the plan quantizes.
 */
export async function calibratePlan(config: BertConfig, weights: BertWeights, tokenize: Tokenize, plan: QuantizationPlan, checkpoint: () => void): Promise<QuantizationPlan> {
  const alpha = plan.smoothingAlpha;
  if (plan.smoothing !== undefined || alpha === undefined) return plan;
  const inputs = new Map([...projectionInputs(config)].filter(([name]) => !plan.floatProjections.has(name)));
  const model = await probedModel(buildBertModel(config, weights, 'calibration', checkpoint, 'fp32'), inputs);
  const ranges = await measureInputRanges(model, inputs, tokenize, calibrationTexts);
  checkpoint();
  const smoothing = new Map<string, Float32Array>();
  for (const [name, range] of ranges) {
    const fused = name.endsWith('.attention.self.qkv');
    const parts = fused ? ['query', 'key', 'value'].map((part) => name.replace(/qkv$/, part)) : [name];
    const projectionWeights = parts.map((part) => weights.linear(`${part}.weight`));
    smoothing.set(name, smoothingFactors(range, projectionWeights, (projectionWeights[0]?.length ?? 0) / range.length, alpha));
  }
  return { ...plan, smoothing };
}
