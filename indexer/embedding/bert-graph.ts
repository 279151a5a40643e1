// Builds a plain BERT encoder as an ONNX graph (opset 17) from Hugging Face BertModel
// weights. The layout follows the reference implementation: embeddings, then
// post-LayerNorm encoder layers of masked multi-head self-attention and a GELU MLP.
import { addInt8EncoderLayer } from './bert-int8-layer.js';
import { addConstants, addGelu, layerNorm, type Constants } from './bert-ops.js';
import { GraphBuilder, int, ints } from './onnx-graph.js';
import { OnnxDataType, type ModelProto } from './onnx-proto.js';
import { contribDomain, defaultQuantizationPlan, type EncoderPrecision, type QuantizationPlan } from './quantize.js';

/** The BertModel configuration fields the graph needs (from the model's `config.json`). */
export interface BertConfig {
  vocabSize: number;
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  typeVocabSize: number;
  layerNormEps: number;
}

/** Source of float32 weights by their Hugging Face parameter name. */
export interface BertWeights {
  /** The tensor in its stored layout. */
  tensor(name: string): Float32Array;
  /** A `Linear` weight `[out, in]` transposed to `[in, out]`, ready for `MatMul`. */
  linear(name: string): Float32Array;
  /** The tensor as the half-precision bit patterns it is stored in (the source weights are fp16). */
  half(name: string): Uint16Array;
}

/** The ONNX opset the graph targets (LayerNormalization needs 17). */
export const bertOpset = 17;
/** The IR version that goes with opset 17. */
const irVersion = 8;

/**
 * Assembles the whole model; `checkpoint` is called between layers so a caller can abort.
 * With `precision` int8 the encoder layers are bert-int8-layer.ts's: int8 projections in
 * ONNX Runtime's fused operators; the embeddings, LayerNorms and attention products stay
 * float32.
 */
export function buildBertModel(
  config: BertConfig,
  weights: BertWeights,
  producerVersion: string,
  checkpoint: () => void = () => {},
  precision: EncoderPrecision = 'fp32',
  plan: QuantizationPlan = defaultQuantizationPlan,
): ModelProto {
  const graph = new GraphBuilder();
  const dynamic = ['batch_size', 'sequence_length'];
  const inputIds = graph.input('input_ids', OnnxDataType.int64, dynamic);
  const attentionMask = graph.input('attention_mask', OnnxDataType.int64, dynamic);
  const tokenTypeIds = graph.input('token_type_ids', OnnxDataType.int64, dynamic);

  const constants = addConstants(graph, config);
  let hidden = addEmbeddings(graph, config, weights, inputIds, tokenTypeIds);
  // fp32 adds a bias to the attention scores; int8's QAttention reads the mask as int32.
  const mask = precision === 'int8' ? graph.node('Cast', '/mask/Cast', [attentionMask], { to: int(OnnxDataType.int32) }) : addMaskBias(graph, attentionMask);
  for (let layer = 0; layer < config.numHiddenLayers; layer += 1) {
    checkpoint();
    const outputName = layer === config.numHiddenLayers - 1 ? 'last_hidden_state' : undefined;
    hidden =
      precision === 'int8'
        ? addInt8EncoderLayer(graph, config, weights, { layer, hidden, maskIndex: mask, constants, plan, outputName })
        : addEncoderLayer(graph, config, weights, { layer, hidden, maskBias: mask, constants, outputName });
  }
  graph.output(hidden, OnnxDataType.float, [...dynamic, config.hiddenSize]);

  return {
    irVersion,
    opsetImport: [{ domain: '', version: bertOpset }, ...(precision === 'int8' ? [{ domain: contribDomain, version: 1 }] : [])],
    producerName: 'minions',
    producerVersion,
    docString: 'BERT encoder converted from safetensors by minions (indexer/embedding/convert-minilm).',
    graph: graph.build('bert'),
  };
}

function addEmbeddings(graph: GraphBuilder, config: BertConfig, weights: BertWeights, inputIds: string, tokenTypeIds: string): string {
  const { hiddenSize: hidden } = config;
  const table = (name: string, rows: number): string => graph.floatTensor(name, [rows, hidden], weights.tensor(name));
  // The word table is most of the model's bytes (30,522 x 384 floats: 47 MB of 62 in
  // float32). It stays in the half precision the weights come in, and only the gathered
  // rows are widened: the same float32 values as a float32 table, bit for bit (every half
  // is a float32), with 23 MB less in the file and in ONNX Runtime's session.
  const wordName = 'embeddings.word_embeddings.weight';
  const wordTable = graph.float16Tensor(wordName, [config.vocabSize, hidden], weights.half(wordName));
  const wordsHalf = graph.node('Gather', '/embeddings/word_embeddings/Gather', [wordTable, inputIds], { axis: int(0) });
  const words = graph.node('Cast', '/embeddings/word_embeddings/Cast', [wordsHalf], { to: int(OnnxDataType.float) });
  // Positions are 0..sequence_length-1: the first rows of the position table.
  const sequenceLength = graph.node('Shape', '/embeddings/Shape', [inputIds], { start: int(1), end: int(2) });
  const zero = graph.int64Tensor('/embeddings/zero', [1], [0]);
  const positions = graph.node('Slice', '/embeddings/position_embeddings/Slice', [
    table('embeddings.position_embeddings.weight', config.maxPositionEmbeddings),
    zero,
    sequenceLength,
    zero,
  ]);
  const typeTable = table('embeddings.token_type_embeddings.weight', config.typeVocabSize);
  const types = graph.node('Gather', '/embeddings/token_type_embeddings/Gather', [typeTable, tokenTypeIds], { axis: int(0) });
  const sum = graph.node('Add', '/embeddings/Add_1', [graph.node('Add', '/embeddings/Add', [words, positions]), types]);
  return layerNorm(graph, config, weights, '/embeddings/LayerNorm', 'embeddings.LayerNorm', sum);
}

/** `(1 - mask) * lowest float`, shaped `[batch, 1, 1, sequence]` to broadcast over heads and query positions. */
function addMaskBias(graph: GraphBuilder, attentionMask: string): string {
  const maskFloat = graph.node('Cast', '/mask/Cast', [attentionMask], { to: int(OnnxDataType.float) });
  const inverted = graph.node('Sub', '/mask/Sub', [graph.floatTensor('/mask/one', [], Float32Array.of(1)), maskFloat]);
  const bias = graph.node('Mul', '/mask/Mul', [inverted, graph.floatTensor('/mask/lowest', [], Float32Array.of(-3.4028234663852886e38))]);
  return graph.node('Unsqueeze', '/mask/Unsqueeze', [bias, graph.int64Tensor('/mask/axes', [2], [1, 2])]);
}

interface LayerInputs {
  layer: number;
  hidden: string;
  maskBias: string;
  constants: Constants;
  outputName: string | undefined;
}

/** One fp32 encoder layer, as the reference implementation computes it. */
function addEncoderLayer(graph: GraphBuilder, config: BertConfig, weights: BertWeights, inputs: LayerInputs): string {
  const { layer, hidden, maskBias, constants } = inputs;
  const path = `/encoder/layer.${layer}`;
  const prefix = `encoder.layer.${layer}`;
  const linear = (name: string, input: string, inSize: number, outSize: number): string => {
    const weight = graph.floatTensor(`${prefix}.${name}.weight`, [inSize, outSize], weights.linear(`${prefix}.${name}.weight`));
    const bias = graph.floatTensor(`${prefix}.${name}.bias`, [outSize], weights.tensor(`${prefix}.${name}.bias`));
    const product = graph.node('MatMul', `${path}/${name.replaceAll('.', '/')}/MatMul`, [input, weight]);
    return graph.node('Add', `${path}/${name.replaceAll('.', '/')}/Add`, [product, bias]);
  };
  const heads = (name: 'query' | 'key' | 'value', perm: number[]): string => {
    const projected = linear(`attention.self.${name}`, hidden, config.hiddenSize, config.hiddenSize);
    const split = graph.node('Reshape', `${path}/attention/self/${name}/Reshape`, [projected, constants.splitHeads]);
    return graph.node('Transpose', `${path}/attention/self/${name}/Transpose`, [split], { perm: ints(perm) });
  };

  // Self-attention: softmax(Q K^T / sqrt(d) + mask) V, per head.
  const query = heads('query', [0, 2, 1, 3]);
  const key = heads('key', [0, 2, 3, 1]);
  const value = heads('value', [0, 2, 1, 3]);
  const attention = `${path}/attention/self`;
  const scores = graph.node('MatMul', `${attention}/MatMul`, [query, key]);
  const scaled = graph.node('Mul', `${attention}/Mul`, [scores, constants.attentionScale]);
  const masked = graph.node('Add', `${attention}/Add`, [scaled, maskBias]);
  const probabilities = graph.node('Softmax', `${attention}/Softmax`, [masked], { axis: int(-1) });
  const context = graph.node('MatMul', `${attention}/MatMul_1`, [probabilities, value]);
  const merged = graph.node('Transpose', `${attention}/Transpose`, [context], { perm: ints([0, 2, 1, 3]) });
  const contextLayer = graph.node('Reshape', `${attention}/Reshape`, [merged, constants.mergeHeads]);
  const attentionOutput = linear('attention.output.dense', contextLayer, config.hiddenSize, config.hiddenSize);
  const residual = graph.node('Add', `${path}/attention/output/Add_residual`, [attentionOutput, hidden]);
  const attended = layerNorm(graph, config, weights, `${path}/attention/output/LayerNorm`, `${prefix}.attention.output.LayerNorm`, residual);

  // Feed-forward with the exact GELU.
  const intermediate = linear('intermediate.dense', attended, config.hiddenSize, config.intermediateSize);
  const activated = addGelu(graph, constants, `${path}/intermediate/gelu`, intermediate);
  const output = linear('output.dense', activated, config.intermediateSize, config.hiddenSize);
  const outputResidual = graph.node('Add', `${path}/output/Add_residual`, [output, attended]);
  return layerNorm(graph, config, weights, `${path}/output/LayerNorm`, `${prefix}.output.LayerNorm`, outputResidual, inputs.outputName);
}

/**
 * The value each encoder projection reads, by the projection's name (the names of
 * `QuantizationPlan`): what calibration measures to choose smoothing factors.
 */
export function projectionInputs(config: BertConfig): Map<string, string> {
  const inputs = new Map<string, string>();
  for (let layer = 0; layer < config.numHiddenLayers; layer += 1) {
    const [path, prefix] = [`/encoder/layer.${layer}`, `encoder.layer.${layer}`];
    inputs.set(`${prefix}.attention.self.qkv`, layer === 0 ? '/embeddings/LayerNorm_output' : `/encoder/layer.${layer - 1}/output/LayerNorm_output`);
    inputs.set(`${prefix}.attention.output.dense`, `${path}/attention/self/Reshape_output`);
    inputs.set(`${prefix}.intermediate.dense`, `${path}/attention/output/LayerNorm_output`);
    inputs.set(`${prefix}.output.dense`, `${path}/intermediate/gelu/Mul_1_output`);
  }
  return inputs;
}

/** Every weight the graph reads, with the shape `config` implies (Hugging Face layout: `Linear` is `[out, in]`). */
export function bertWeightShapes(config: BertConfig): Map<string, number[]> {
  const { hiddenSize: hidden, intermediateSize: intermediate } = config;
  const shapes = new Map<string, number[]>([
    ['embeddings.word_embeddings.weight', [config.vocabSize, hidden]],
    ['embeddings.position_embeddings.weight', [config.maxPositionEmbeddings, hidden]],
    ['embeddings.token_type_embeddings.weight', [config.typeVocabSize, hidden]],
    ['embeddings.LayerNorm.weight', [hidden]],
    ['embeddings.LayerNorm.bias', [hidden]],
  ]);
  for (let layer = 0; layer < config.numHiddenLayers; layer += 1) {
    const prefix = `encoder.layer.${layer}`;
    const linears: [string, number, number][] = [
      ['attention.self.query', hidden, hidden],
      ['attention.self.key', hidden, hidden],
      ['attention.self.value', hidden, hidden],
      ['attention.output.dense', hidden, hidden],
      ['intermediate.dense', intermediate, hidden],
      ['output.dense', hidden, intermediate],
    ];
    for (const [name, out, input] of linears) {
      shapes.set(`${prefix}.${name}.weight`, [out, input]);
      shapes.set(`${prefix}.${name}.bias`, [out]);
    }
    for (const norm of ['attention.output.LayerNorm', 'output.LayerNorm']) {
      shapes.set(`${prefix}.${norm}.weight`, [hidden]);
      shapes.set(`${prefix}.${norm}.bias`, [hidden]);
    }
  }
  return shapes;
}
