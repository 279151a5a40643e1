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
}

/**
 * The plan the int8 model is converted with: the feed-forward output projections of
 * layers 0 and 2 stay float32. Their input, the GELU output, is quantized at run time with
 * one uint8 scale for the whole tensor; kept in float32 one projection at a time, these two
 * moved the vectors closest to fp32 (docs/benchmarks.md). They are about a ninth of the
 * projections' multiply-adds.
 */
export const defaultQuantizationPlan: QuantizationPlan = {
  floatProjections: new Set(['encoder.layer.0.output.dense', 'encoder.layer.2.output.dense']),
};

/** One projection `input W + b` with `W` as `[inSize, outSize]`. */
export interface QuantizedLinear {
  /** Node path, e.g. `/encoder/layer.0/intermediate/dense`. */
  path: string;
  /** Prefix of the initializers' names, e.g. `encoder.layer.0.intermediate.dense`. */
  weightName: string;
  input: string;
  weight: Float32Array;
  bias: Float32Array;
  inSize: number;
  outSize: number;
}

/** Adds `DynamicQuantizeMatMul(input, int8 W, per-column scales, bias)` and returns its output. */
export function addQuantizedLinear(graph: GraphBuilder, linear: QuantizedLinear): string {
  const { values, scales } = quantizeColumns(linear.weight, linear.inSize, linear.outSize);
  const weight = graph.int8Tensor(`${linear.weightName}.weight_quantized`, [linear.inSize, linear.outSize], values);
  const scale = graph.floatTensor(`${linear.weightName}.weight_scale`, [linear.outSize], scales);
  const zeroPoint = graph.int8Tensor(`${linear.weightName}.weight_zero_point`, [linear.outSize], new Int8Array(linear.outSize));
  const bias = graph.floatTensor(`${linear.weightName}.bias`, [linear.outSize], linear.bias);
  return graph.domainNode(contribDomain, 'DynamicQuantizeMatMul', `${linear.path}/DynamicQuantizeMatMul`, [linear.input, weight, scale, zeroPoint, bias]);
}

/** Several projections of the same input, e.g. attention's query, key and value. */
export interface QuantizedProjections {
  /** Node path of the fused projection, e.g. `/encoder/layer.0/attention/self/qkv`. */
  path: string;
  weightName: string;
  input: string;
  /** `[inSize, outSize]` each. */
  weights: Float32Array[];
  biases: Float32Array[];
  inSize: number;
  outSize: number;
}

/**
 * Adds the projections as ONE `DynamicQuantizeMatMul` over their weights side by side,
 * then slices its output apart: the input is quantized once instead of once a
 * projection, and one wide product runs faster than three narrow ones. With per-column
 * scales the result is the same as three separate projections.
 */
export function addQuantizedProjections(graph: GraphBuilder, projections: QuantizedProjections): string[] {
  const { inSize, outSize, weights } = projections;
  const width = outSize * weights.length;
  const weight = new Float32Array(inSize * width);
  for (let row = 0; row < inSize; row += 1) {
    weights.forEach((part, index) => weight.set(part.subarray(row * outSize, (row + 1) * outSize), row * width + index * outSize));
  }
  const bias = new Float32Array(width);
  projections.biases.forEach((part, index) => bias.set(part, index * outSize));
  const fused = addQuantizedLinear(graph, { path: projections.path, weightName: projections.weightName, input: projections.input, weight, bias, inSize, outSize: width });
  const axes = graph.int64Tensor(`${projections.weightName}.slice_axes`, [1], [-1]);
  return weights.map((_, index) => {
    const starts = graph.int64Tensor(`${projections.weightName}.slice_${index}_start`, [1], [index * outSize]);
    const ends = graph.int64Tensor(`${projections.weightName}.slice_${index}_end`, [1], [(index + 1) * outSize]);
    return graph.node('Slice', `${projections.path}/Slice_${index}`, [fused, starts, ends, axes]);
  });
}
