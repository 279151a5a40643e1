// One encoder layer of the int8 graph, in the operators ONNX Runtime's own dynamic
// quantization of a BERT produces once its fusions have run: `QAttention` (the int8
// query/key/value projection and the attention itself, padding mask included, in one
// kernel), `DynamicQuantizeMatMul` for the other projections, and
// `SkipLayerNormalization` for each residual sum with its LayerNorm. Written directly, the
// graph needs no optimizer pass to reach that form.
import type { BertConfig, BertWeights } from './bert-graph.js';
import { addGelu, layerNormWeights, type Constants } from './bert-ops.js';
import { float, int, ints, type GraphBuilder } from './onnx-graph.js';
import { addQuantizedLinear, contribDomain, quantizeColumns, scaleColumns, scaleRows, smoothInput, type QuantizationPlan } from './quantize.js';

/** What one int8 layer reads. */
export interface Int8LayerInputs {
  layer: number;
  hidden: string;
  /** `attention_mask` as int32 `[batch, sequence]`. */
  maskIndex: string;
  constants: Constants;
  plan: QuantizationPlan;
  outputName: string | undefined;
}

/** Adds one layer and returns its output. */
export function addInt8EncoderLayer(graph: GraphBuilder, config: BertConfig, weights: BertWeights, inputs: Int8LayerInputs): string {
  const { layer, hidden, constants, plan } = inputs;
  const path = `/encoder/layer.${layer}`;
  const prefix = `encoder.layer.${layer}`;
  const isFloat = (name: string): boolean => plan.floatProjections.has(`${prefix}.${name}`);
  const smoothing = (name: string): Float32Array | undefined => (isFloat(name) ? undefined : plan.smoothing?.get(`${prefix}.${name}`));
  const tokenScaled = (name: string): boolean => plan.tokenScaled?.has(`${prefix}.${name}`) === true;
  if (isFloat('attention.self.qkv')) throw new Error(`the int8 graph quantizes the attention of every layer; ${prefix}.attention.self.qkv cannot stay float32`);
  const { hiddenSize, intermediateSize } = config;

  // The output projection's smoothing factors divide V's columns, so the context arrives divided.
  const outputScale = smoothing('attention.output.dense');
  const context = addQuantizedAttention(graph, config, weights, { path, prefix, hidden, maskIndex: inputs.maskIndex, inputScale: smoothing('attention.self.qkv'), valueScale: outputScale });
  const attentionOutput = linear(graph, weights, { path, prefix, name: 'attention.output.dense', input: context, inSize: hiddenSize, outSize: hiddenSize, float: isFloat('attention.output.dense'), rowScale: outputScale });
  const attended = skipLayerNorm(graph, config, weights, { path: `${path}/attention/output/LayerNorm`, prefix: `${prefix}.attention.output.LayerNorm`, ...attentionOutput, skip: hidden });

  const intermediate = linear(graph, weights, { path, prefix, name: 'intermediate.dense', input: attended.output, inSize: hiddenSize, outSize: intermediateSize, float: false, inputScale: smoothing('intermediate.dense'), tokenScaled: tokenScaled('intermediate.dense') });
  const intermediateOutput = intermediate.bias === undefined ? intermediate.output : graph.node('Add', `${path}/intermediate/dense/Add`, [intermediate.output, intermediate.bias]);
  const activated = addGelu(graph, constants, `${path}/intermediate/gelu`, intermediateOutput);
  const output = linear(graph, weights, { path, prefix, name: 'output.dense', input: activated, inSize: intermediateSize, outSize: hiddenSize, float: isFloat('output.dense'), inputScale: smoothing('output.dense'), tokenScaled: tokenScaled('output.dense') });
  return skipLayerNorm(graph, config, weights, { path: `${path}/output/LayerNorm`, prefix: `${prefix}.output.LayerNorm`, ...output, skip: attended.output, outputName: inputs.outputName }).output;
}

interface AttentionInputs {
  path: string;
  prefix: string;
  hidden: string;
  maskIndex: string;
  /** Smoothing factors of the hidden state's channels. */
  inputScale: Float32Array | undefined;
  /** Factors V's columns are divided by. */
  valueScale: Float32Array | undefined;
}

/** `DynamicQuantizeLinear` of the (smoothed) hidden state, then `QAttention` over Q, K and V side by side, each per-column int8. */
function addQuantizedAttention(graph: GraphBuilder, config: BertConfig, weights: BertWeights, inputs: AttentionInputs): string {
  const { path, prefix, inputScale, valueScale } = inputs;
  const size = config.hiddenSize;
  const names = ['query', 'key', 'value'] as const;
  const parts = names.map((name) => weights.linear(`${prefix}.attention.self.${name}.weight`));
  const biases = names.map((name) => weights.tensor(`${prefix}.attention.self.${name}.bias`));
  if (valueScale !== undefined) {
    const inverse = Float32Array.from(valueScale, (factor) => 1 / factor);
    parts[2] = scaleColumns(parts[2] as Float32Array, size, size, inverse);
    biases[2] = Float32Array.from(biases[2] as Float32Array, (value, column) => value * (inverse[column] as number));
  }
  const width = 3 * size;
  let fused: Float32Array = new Float32Array(size * width);
  for (let row = 0; row < size; row += 1) parts.forEach((part, index) => fused.set(part.subarray(row * size, (row + 1) * size), row * width + index * size));
  const bias = new Float32Array(width);
  biases.forEach((part, index) => bias.set(part, index * size));
  let input = inputs.hidden;
  const name = `${prefix}.attention.self.qkv`;
  if (inputScale !== undefined) {
    fused = scaleRows(fused, size, width, inputScale);
    const inverse = graph.floatTensor(`${name}.smooth_inverse`, [size], Float32Array.from(inputScale, (factor) => 1 / factor));
    input = graph.node('Mul', `${path}/attention/self/Smooth`, [input, inverse]);
  }
  const { values, scales } = quantizeColumns(fused, size, width);
  const [quantized, scale, zeroPoint] = graph.multiOutputNode('', 'DynamicQuantizeLinear', `${path}/attention/self/DynamicQuantizeLinear`, [input], 3) as [string, string, string];
  return graph.domainNode(
    contribDomain,
    'QAttention',
    `${path}/attention/self/QAttention`,
    [quantized, graph.int8Tensor(`${name}.weight_quantized`, [size, width], values), graph.floatTensor(`${name}.bias`, [width], bias), scale, graph.floatTensor(`${name}.weight_scale`, [width], scales), inputs.maskIndex, zeroPoint],
    { num_heads: int(config.numAttentionHeads) },
  );
}

interface LinearInputs {
  path: string;
  prefix: string;
  name: string;
  input: string;
  inSize: number;
  outSize: number;
  float: boolean;
  /** Smoothing factors to divide the input by (a `Mul`) and multiply the weight rows with. */
  inputScale?: Float32Array | undefined;
  /** Smoothing factors already applied to the input upstream: only the weight rows take them. */
  rowScale?: Float32Array | undefined;
  tokenScaled?: boolean;
}

/** `r * DynamicQuantizeMatMul(x / r, W)` with `r` each token's largest |x|; the bias is left to the caller. */
function tokenScaledLinear(graph: GraphBuilder, inputs: LinearInputs & { weight: Float32Array; bias: Float32Array; nodePath: string }): { output: string; bias: string } {
  const { nodePath, prefix, name, inSize, outSize } = inputs;
  const weightName = `${prefix}.${name}`;
  const { input, weight } = smoothInput(graph, { path: nodePath, weightName, input: inputs.input, weight: inputs.weight, inSize, outSize, inputScale: inputs.inputScale });
  const largest = graph.node('ReduceMax', `${nodePath}/TokenMax`, [graph.node('Abs', `${nodePath}/Abs`, [input])], { axes: ints([-1]), keepdims: int(1) });
  const scale = graph.node('Max', `${nodePath}/TokenScale`, [largest, graph.floatTensor(`${weightName}.token_floor`, [], Float32Array.of(1e-6))]);
  const normalized = graph.node('Div', `${nodePath}/TokenScaled`, [input, scale]);
  const product = addQuantizedLinear(graph, { path: nodePath, weightName, input: normalized, weight, inSize, outSize });
  return { output: graph.node('Mul', `${nodePath}/TokenRescale`, [product, scale]), bias: graph.floatTensor(`${prefix}.${name}.bias`, [outSize], inputs.bias) };
}

/** A projection's product, and its bias when it is left for the next operator to add (float32 projections). */
function linear(graph: GraphBuilder, weights: BertWeights, inputs: LinearInputs): { output: string; bias?: string } {
  const { path, prefix, name, input, inSize, outSize } = inputs;
  const nodePath = `${path}/${name.replaceAll('.', '/')}`;
  let weight = weights.linear(`${prefix}.${name}.weight`);
  const bias = weights.tensor(`${prefix}.${name}.bias`);
  if (inputs.float) {
    const product = graph.node('MatMul', `${nodePath}/MatMul`, [input, graph.floatTensor(`${prefix}.${name}.weight`, [inSize, outSize], weight)]);
    return { output: product, bias: graph.floatTensor(`${prefix}.${name}.bias`, [outSize], bias) };
  }
  if (inputs.rowScale !== undefined) weight = scaleRows(weight, inSize, outSize, inputs.rowScale);
  if (inputs.tokenScaled === true) return tokenScaledLinear(graph, { ...inputs, weight, bias, nodePath });
  return { output: addQuantizedLinear(graph, { path: nodePath, weightName: `${prefix}.${name}`, input, weight, bias, inSize, outSize, inputScale: inputs.inputScale }) };
}

/** `LayerNorm(output + skip [+ bias])` as one `SkipLayerNormalization`. */
function skipLayerNorm(
  graph: GraphBuilder,
  config: BertConfig,
  weights: BertWeights,
  inputs: { path: string; prefix: string; output: string; bias?: string | undefined; skip: string; outputName?: string | undefined },
): { output: string } {
  const [scale, shift] = layerNormWeights(graph, config, weights, inputs.prefix);
  const biased = inputs.bias === undefined ? inputs.output : graph.node('Add', `${inputs.path}/Add_bias`, [inputs.output, inputs.bias]);
  const sum = graph.node('Add', `${inputs.path}/Add_residual`, [biased, inputs.skip]);
  return { output: graph.node('LayerNormalization', inputs.path, [sum, scale, shift], { axis: int(-1), epsilon: float(config.layerNormEps) }, inputs.outputName) };
}
