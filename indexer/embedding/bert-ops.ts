// Pieces both encoder layers use (the fp32 one in bert-graph.ts, the int8 one in
// bert-int8-layer.ts): the graph's shared constants, LayerNorm and the exact GELU.
import { float, int, type GraphBuilder } from './onnx-graph.js';
import type { BertConfig, BertWeights } from './bert-graph.js';

/** Constants every layer reads, added once. */
export interface Constants {
  splitHeads: string;
  mergeHeads: string;
  attentionScale: string;
  sqrtTwo: string;
  one: string;
  half: string;
}

export function addConstants(graph: GraphBuilder, config: BertConfig): Constants {
  const headSize = config.hiddenSize / config.numAttentionHeads;
  const scalar = (name: string, value: number): string => graph.floatTensor(name, [], Float32Array.of(value));
  return {
    // Reshape's 0 copies the input dimension, so batch and sequence stay dynamic.
    splitHeads: graph.int64Tensor('/constants/split_heads_shape', [4], [0, 0, config.numAttentionHeads, headSize]),
    mergeHeads: graph.int64Tensor('/constants/merge_heads_shape', [3], [0, 0, config.hiddenSize]),
    attentionScale: scalar('/constants/attention_scale', 1 / Math.sqrt(headSize)),
    sqrtTwo: scalar('/constants/sqrt_two', Math.SQRT2),
    one: scalar('/constants/one', 1),
    half: scalar('/constants/half', 0.5),
  };
}

/** Exact GELU, `x * 0.5 * (1 + erf(x / sqrt 2))`, written the way ONNX Runtime fuses it into one `Gelu`. */
export function addGelu(graph: GraphBuilder, constants: Constants, path: string, input: string): string {
  const erf = graph.node('Erf', `${path}/Erf`, [graph.node('Div', `${path}/Div`, [input, constants.sqrtTwo])]);
  const onePlusErf = graph.node('Add', `${path}/Add`, [erf, constants.one]);
  return graph.node('Mul', `${path}/Mul_1`, [graph.node('Mul', `${path}/Mul`, [input, onePlusErf]), constants.half]);
}

/** `LayerNorm(input)` with the weights named `<prefix>.weight` and `<prefix>.bias`. */
export function layerNorm(graph: GraphBuilder, config: BertConfig, weights: BertWeights, path: string, prefix: string, input: string, outputName?: string): string {
  const [scale, bias] = layerNormWeights(graph, config, weights, prefix);
  return graph.node('LayerNormalization', path, [input, scale, bias], { axis: int(-1), epsilon: float(config.layerNormEps) }, outputName);
}

/** The initializers of a LayerNorm's scale and bias. */
export function layerNormWeights(graph: GraphBuilder, config: BertConfig, weights: BertWeights, prefix: string): [string, string] {
  return [
    graph.floatTensor(`${prefix}.weight`, [config.hiddenSize], weights.tensor(`${prefix}.weight`)),
    graph.floatTensor(`${prefix}.bias`, [config.hiddenSize], weights.tensor(`${prefix}.bias`)),
  ];
}
