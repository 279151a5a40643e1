// A small builder for ONNX graphs: it names values, collects nodes in the order they
// are added (which is topological, since a node can only use values that exist) and
// stores constants as initializers.
import {
  OnnxAttributeType,
  OnnxDataType,
  type AttributeProto,
  type DimensionProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './onnx-proto.js';

/** An attribute value tagged with its ONNX type, since a JS number alone is ambiguous. */
export type AttributeValue =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'ints'; value: number[] };

/** An integer attribute. */
export const int = (value: number): AttributeValue => ({ kind: 'int', value });
/** A float attribute. */
export const float = (value: number): AttributeValue => ({ kind: 'float', value });
/** A list-of-integers attribute. */
export const ints = (value: number[]): AttributeValue => ({ kind: 'ints', value });

/** Collects the nodes, initializers, inputs and outputs of one graph. */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly names = new Set<string>();

  /** Declares a graph input; a string dimension is symbolic (dynamic). */
  input(name: string, elementType: number, shape: (number | string)[]): string {
    this.inputs.push(valueInfo(this.claim(name), elementType, shape));
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, elementType: number, shape: (number | string)[]): void {
    this.outputs.push(valueInfo(name, elementType, shape));
  }

  /** Adds a float32 initializer (weights or a constant). */
  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name: this.claim(name), dims, dataType: OnnxDataType.float, rawData });
    return name;
  }

  /** Adds a half-precision initializer from its IEEE 754 bit patterns. */
  float16Tensor(name: string, dims: number[], bits: Uint16Array): string {
    const rawData = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
    this.initializers.push({ name: this.claim(name), dims, dataType: OnnxDataType.float16, rawData });
    return name;
  }

  /** Adds an int8 initializer (quantized weights). */
  int8Tensor(name: string, dims: number[], data: Int8Array): string {
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name: this.claim(name), dims, dataType: OnnxDataType.int8, rawData });
    return name;
  }

  /** Adds an int64 initializer. */
  int64Tensor(name: string, dims: number[], values: number[]): string {
    const data = BigInt64Array.from(values, (value) => BigInt(value));
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.initializers.push({ name: this.claim(name), dims, dataType: OnnxDataType.int64, rawData });
    return name;
  }

  /**
   * Adds one node and returns the name of its (first) output. `name` is the node's
   * path, e.g. `/encoder/layer.0/attention/Softmax`; its output is named `<name>_output`
   * unless `outputName` is given.
   */
  node(opType: string, name: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    return this.domainNode('', opType, name, inputs, attributes, outputName);
  }

  /** Adds one node of another operator domain, such as ONNX Runtime's `com.microsoft`; otherwise as `node`. */
  domainNode(domain: string, opType: string, name: string, inputs: string[], attributes: Record<string, AttributeValue> = {}, outputName?: string): string {
    const output = this.claim(outputName ?? `${name}_output`);
    this.nodes.push({
      name: this.claim(name),
      opType,
      ...(domain === '' ? {} : { domain }),
      input: inputs,
      output: [output],
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return output;
  }

  /** Adds one node with several outputs, named `<name>_output_<i>`; returns their names. */
  multiOutputNode(domain: string, opType: string, name: string, inputs: string[], outputs: number, attributes: Record<string, AttributeValue> = {}): string[] {
    const names = Array.from({ length: outputs }, (_, index) => this.claim(`${name}_output_${index}`));
    this.nodes.push({
      name: this.claim(name),
      opType,
      ...(domain === '' ? {} : { domain }),
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return names;
  }

  /**
   * The finished graph, without the initializers no node reads (a constant one precision's
   * layers do not use): ONNX Runtime would drop them itself, with a warning at every load.
   */
  build(name: string): GraphProto {
    const read = new Set(this.nodes.flatMap((node) => node.input));
    const initializer = this.initializers.filter((tensor) => read.has(tensor.name));
    return { name, node: this.nodes, initializer, input: this.inputs, output: this.outputs };
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`duplicate ONNX value or node name ${name}`);
    this.names.add(name);
    return name;
  }
}

function attribute(name: string, value: AttributeValue): AttributeProto {
  switch (value.kind) {
    case 'int':
      return { name, type: OnnxAttributeType.int, i: value.value };
    case 'float':
      return { name, type: OnnxAttributeType.float, f: value.value };
    case 'ints':
      return { name, type: OnnxAttributeType.ints, ints: value.value };
  }
}

function valueInfo(name: string, elementType: number, shape: (number | string)[]): ValueInfoProto {
  const dim = shape.map((size): DimensionProto => (typeof size === 'string' ? { dimParam: size } : { dimValue: size }));
  return { name, type: { tensorType: { elemType: elementType, shape: { dim } } } };
}
