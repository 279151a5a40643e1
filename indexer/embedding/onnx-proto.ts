// The subset of onnx.proto this project writes, declared as a protobufjs reflection
// definition. Field numbers are those of the ONNX specification (onnx/onnx.proto);
// only the fields the converter sets are declared, since only they are ever encoded.
import protobuf from 'protobufjs';

/** ONNX `TensorProto.DataType` values the converter uses. */
export const OnnxDataType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const;

/** ONNX `AttributeProto.AttributeType` values the converter uses. */
export const OnnxAttributeType = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

/** A tensor stored inline, little-endian, in `rawData`. */
export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  rawData: Uint8Array;
}

/** One node attribute; exactly one of the value fields is set, matching `type`. */
export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  floats?: number[];
  ints?: number[];
}

/** One operator application. */
export interface NodeProto {
  name: string;
  opType: string;
  /** Operator set of `opType`; empty or absent for the standard ONNX domain, `com.microsoft` for ONNX Runtime's contrib operators. */
  domain?: string;
  input: string[];
  output: string[];
  attribute: AttributeProto[];
}

/** A dimension is either fixed (`dimValue`) or symbolic (`dimParam`, e.g. `batch`). */
export interface DimensionProto {
  dimValue?: number;
  dimParam?: string;
}

/** A graph input or output: a name and a tensor type with a (possibly symbolic) shape. */
export interface ValueInfoProto {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: DimensionProto[] } } };
}

/** The computation graph: nodes in topological order, weights, inputs and outputs. */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
}

/** The file-level container. */
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: GraphProto;
}

const repeated = 'repeated';

const definition = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            irVersion: { type: 'int64', id: 1 },
            producerName: { type: 'string', id: 2 },
            producerVersion: { type: 'string', id: 3 },
            docString: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opsetImport: { rule: repeated, type: 'OperatorSetIdProto', id: 8 },
          },
        },
        OperatorSetIdProto: {
          fields: { domain: { type: 'string', id: 1 }, version: { type: 'int64', id: 2 } },
        },
        GraphProto: {
          fields: {
            node: { rule: repeated, type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: repeated, type: 'TensorProto', id: 5 },
            input: { rule: repeated, type: 'ValueInfoProto', id: 11 },
            output: { rule: repeated, type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: repeated, type: 'string', id: 1 },
            output: { rule: repeated, type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            opType: { type: 'string', id: 4 },
            attribute: { rule: repeated, type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            floats: { rule: repeated, type: 'float', id: 7 },
            ints: { rule: repeated, type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: repeated, type: 'int64', id: 1 },
            dataType: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            rawData: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: { name: { type: 'string', id: 1 }, type: { type: 'TypeProto', id: 2 } },
        },
        TypeProto: {
          fields: { tensorType: { type: 'TypeProtoTensor', id: 1 } },
        },
        // `TypeProto.Tensor` in onnx.proto; nesting does not reach the wire, so a flat name is enough.
        TypeProtoTensor: {
          fields: { elemType: { type: 'int32', id: 1 }, shape: { type: 'TensorShapeProto', id: 2 } },
        },
        TensorShapeProto: {
          fields: { dim: { rule: repeated, type: 'TensorShapeDimension', id: 1 } },
        },
        // `TensorShapeProto.Dimension`: `dim_value` and `dim_param` form a oneof; only one is ever set.
        TensorShapeDimension: {
          fields: { dimValue: { type: 'int64', id: 1 }, dimParam: { type: 'string', id: 2 } },
        },
      },
    },
  },
};

let modelType: protobuf.Type | undefined;

/** Serializes a model to the ONNX protobuf wire format (the bytes of a `.onnx` file). */
export function encodeOnnxModel(model: ModelProto): Uint8Array {
  modelType ??= protobuf.Root.fromJSON(definition).lookupType('onnx.ModelProto');
  return modelType.encode(model).finish();
}

/** Decodes bytes written by `encodeOnnxModel`, for tests and debugging. */
export function decodeOnnxModel(bytes: Uint8Array): ModelProto {
  modelType ??= protobuf.Root.fromJSON(definition).lookupType('onnx.ModelProto');
  const message = modelType.decode(bytes);
  return modelType.toObject(message, { longs: Number, defaults: false, arrays: true }) as ModelProto;
}
