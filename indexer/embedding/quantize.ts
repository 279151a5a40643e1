// Weight quantization for the int8 variant of the BERT graph: each `Linear` becomes one
// ONNX Runtime `DynamicQuantizeMatMul` (com.microsoft), which quantizes its activations
// to uint8 at run time and multiplies them with int8 weights on the CPU's integer units
// (VNNI / AMX where present): the operator form ONNX Runtime's own dynamic quantization
// produces once its fusions have run, written here directly.
import type { GraphBuilder } from './onnx-graph.js';

/** Precision of the converted encoder's `Linear` layers. */
export type EncoderPrecision = 'fp32' | 'int8';

/** The ONNX Runtime operator domain of `DynamicQuantizeMatMul`. */
export const contribDomain = 'com.microsoft';

/** Symmetric int8 weights of a `[rows, columns]` matrix with one scale per column. */
export interface QuantizedColumns {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * Quantizes a row-major `[rows, columns]` float matrix (a `Linear` weight already
 * transposed to `[in, out]`) per column, symmetrically: `value = round(w / scale)` with
 * `scale = max |w| / 127` over the column. Per column, because the output channels of
 * a projection differ in range by an order of magnitude; symmetric (zero point 0),
 * because that is the form the integer kernels run fastest.
 */
export function quantizeColumns(weights: Float32Array, rows: number, columns: number): QuantizedColumns {
  if (weights.length !== rows * columns) throw new Error(`quantizeColumns: ${weights.length} values do not form [${rows}, ${columns}]`);
  const scales = new Float32Array(columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const magnitude = Math.abs(weights[row * columns + column] as number);
      if (magnitude > (scales[column] as number)) scales[column] = magnitude;
    }
  }
  // An all-zero column keeps scale 1, so dequantization never divides by zero.
  for (let column = 0; column < columns; column += 1) scales[column] = (scales[column] as number) === 0 ? 1 : (scales[column] as number) / 127;
  const values = new Int8Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    for (let column = 0; column < columns; column += 1) {
      const index = row * columns + column;
      const scaled = Math.round((weights[index] as number) / (scales[column] as number));
      values[index] = Math.max(-127, Math.min(127, scaled));
    }
  }
  return { values, scales };
}

/**
 * Which projections of the int8 graph stay float32, by their Hugging Face name (e.g.
 * `encoder.layer.5.output.dense`; `encoder.layer.0.attention.self.qkv` is the fused
 * query/key/value).
 */
export interface QuantizationPlan {
  floatProjections: ReadonlySet<string>;
  /**
   * Per input channel smoothing factors of quantized projections, by the same names: the
   * projection's input is divided by them and its weight rows multiplied, which leaves the
   * product unchanged but moves outlier channels' range from the activations (quantized
   * with one scale per tensor) into the weights (one scale per column).
   */
  smoothing?: ReadonlyMap<string, Float32Array>;
  /**
   * Without `smoothing`, the converter calibrates it (calibrate.ts) with this migration
   * strength: 0 leaves the activations' range alone, 1 moves all of it into the weights.
   */
  smoothingAlpha?: number;
  /**
   * Projections whose input is divided per token by its largest magnitude before it is
   * quantized, and the product multiplied back: one scale per tensor then serves every token
   * alike (per-token quantization, which `DynamicQuantizeMatMul` has no form for).
   */
  tokenScaled?: ReadonlySet<string>;
}

/**
 * The plan the int8 model is converted with (revision 3). The feed-forward output
 * projections of layers 0 and 2 stay float32, and those of the other layers are
 * token-scaled: their input, the GELU output, holds tokens whose values run far above the
 * rest, which one uint8 scale for the whole tensor serves worst (measured one projection at a
 * time; docs/benchmarks.md). Every quantized projection is smoothed with factors calibrated
 * at alpha 0.7. Against plan revision 2 (the same float projections, nothing else) the mean
 * distance to fp32 on this repository's code chunks falls from 0.0041 to 0.0014.
 */
export const defaultQuantizationPlan: QuantizationPlan = {
  floatProjections: new Set(['encoder.layer.0.output.dense', 'encoder.layer.2.output.dense']),
  smoothingAlpha: 0.7,
  tokenScaled: new Set([1, 3, 4, 5].map((layer) => `encoder.layer.${layer}.output.dense`)),
};

/** One projection `input W + b` with `W` as `[inSize, outSize]`. */
export interface QuantizedLinear {
  /** Node path, e.g. `/encoder/layer.0/intermediate/dense`. */
  path: string;
  /** Prefix of the initializers' names, e.g. `encoder.layer.0.intermediate.dense`. */
  weightName: string;
  input: string;
  weight: Float32Array;
  /** Added by the operator; without it the caller adds the bias. */
  bias?: Float32Array;
  inSize: number;
  outSize: number;
  /** Smoothing factors of the input channels (`inSize`), or none. */
  inputScale?: Float32Array | undefined;
}

/** Adds `DynamicQuantizeMatMul(input, int8 W, per-column scales[, bias])` and returns its output. */
export function addQuantizedLinear(graph: GraphBuilder, linear: QuantizedLinear): string {
  const { input, weight: smoothed } = smoothInput(graph, linear);
  const { values, scales } = quantizeColumns(smoothed, linear.inSize, linear.outSize);
  const weight = graph.int8Tensor(`${linear.weightName}.weight_quantized`, [linear.inSize, linear.outSize], values);
  const scale = graph.floatTensor(`${linear.weightName}.weight_scale`, [linear.outSize], scales);
  const zeroPoint = graph.int8Tensor(`${linear.weightName}.weight_zero_point`, [linear.outSize], new Int8Array(linear.outSize));
  const bias = linear.bias === undefined ? [] : [graph.floatTensor(`${linear.weightName}.bias`, [linear.outSize], linear.bias)];
  return graph.domainNode(contribDomain, 'DynamicQuantizeMatMul', `${linear.path}/DynamicQuantizeMatMul`, [input, weight, scale, zeroPoint, ...bias]);
}

/** `input / s` as a `Mul` node and `diag(s) W`, or both unchanged without smoothing factors. */
export function smoothInput(graph: GraphBuilder, linear: QuantizedLinear): { input: string; weight: Float32Array } {
  const { inputScale, inSize, outSize } = linear;
  if (inputScale === undefined) return { input: linear.input, weight: linear.weight };
  if (inputScale.length !== inSize) throw new Error(`smoothing factors of ${linear.weightName}: ${inputScale.length} values for ${inSize} inputs`);
  const weight = scaleRows(linear.weight, inSize, outSize, inputScale);
  const inverse = graph.floatTensor(`${linear.weightName}.smooth_inverse`, [inSize], Float32Array.from(inputScale, (factor) => 1 / factor));
  return { input: graph.node('Mul', `${linear.path}/Smooth`, [linear.input, inverse]), weight };
}

/** `diag(factors) W` for a row-major `[rows, columns]` matrix. */
export function scaleRows(weights: Float32Array, rows: number, columns: number, factors: Float32Array): Float32Array {
  const scaled = new Float32Array(rows * columns);
  for (let row = 0; row < rows; row += 1) {
    const factor = factors[row] as number;
    for (let column = 0; column < columns; column += 1) scaled[row * columns + column] = (weights[row * columns + column] as number) * factor;
  }
  return scaled;
}

/** `W diag(factors)` for a row-major `[rows, columns]` matrix. */
export function scaleColumns(weights: Float32Array, rows: number, columns: number, factors: Float32Array): Float32Array {
  const scaled = new Float32Array(rows * columns);
  for (let index = 0; index < scaled.length; index += 1) scaled[index] = (weights[index] as number) * (factors[index % columns] as number);
  return scaled;
}
