import type * as Arrow from 'apache-arrow';
import { arrow } from './arrow.js';

// The copy LanceDB uses (./arrow.ts): LanceDB checks an added table with `instanceof`.
const { DataType, RecordBatch, Struct, Table, makeData } = arrow;

/**
 * Rows as one Arrow table of `schema`, built column by column. LanceDB's own conversion
 * of row objects (a builder per column, a value at a time, after inferring a schema)
 * cost about as much as producing the rows: a cold index of fastify hands it ~6k chunk
 * rows and ~9k symbol rows. Knows the column types of this store's tables (UTF-8 text,
 * 32-bit integers, 64-bit floats, booleans, fixed-size lists of 32-bit floats), all
 * non-null; another type is a programming error.
 */
export function columnTable(schema: Arrow.Schema, rows: readonly object[]): Arrow.Table {
  const records = rows as readonly Record<string, unknown>[];
  const children = schema.fields.map((field) => columnData(field, records.map((row) => row[field.name])));
  const struct = makeData({ type: new Struct(schema.fields), length: rows.length, nullCount: 0, children });
  return new Table([new RecordBatch(schema, struct)]);
}

function columnData(field: Arrow.Field, values: readonly unknown[]): Arrow.Data {
  const { type } = field;
  const length = values.length;
  if (DataType.isUtf8(type)) return utf8Data(values as readonly string[]);
  if (DataType.isInt(type) && type.bitWidth === 32 && type.isSigned) return makeData({ type, length, nullCount: 0, data: Int32Array.from(values as readonly number[]) });
  if (DataType.isFloat(type) && type.precision === arrow.Precision.DOUBLE) return makeData({ type, length, nullCount: 0, data: Float64Array.from(values as readonly number[]) });
  if (DataType.isBool(type)) {
    const bits = new Uint8Array(Math.ceil(length / 8));
    values.forEach((value, index) => {
      if (value) bits[index >> 3] = (bits[index >> 3] as number) | (1 << (index & 7));
    });
    return makeData({ type, length, nullCount: 0, data: bits });
  }
  if (DataType.isFixedSizeList(type) && DataType.isFloat(type.children[0]?.type) && type.children[0].type.precision === arrow.Precision.SINGLE) {
    const size = type.listSize;
    const floats = new Float32Array(length * size);
    values.forEach((value, index) => {
      const vector = value as ArrayLike<number>;
      if (vector.length !== size) throw new Error(`${field.name}: a vector of ${vector.length} values where the table holds ${size}`);
      floats.set(vector, index * size);
    });
    const child = makeData({ type: type.children[0].type, length: length * size, nullCount: 0, data: floats });
    return makeData({ type, length, nullCount: 0, child });
  }
  throw new Error(`${field.name}: no column builder for ${String(type)}`);
}

/** A UTF-8 column from strings: one offsets array and one byte buffer, each string encoded once. */
function utf8Data(values: readonly string[]): Arrow.Data {
  const valueOffsets = new Int32Array(values.length + 1);
  let bytes = 0;
  values.forEach((value, index) => {
    bytes += Buffer.byteLength(value, 'utf8');
    valueOffsets[index + 1] = bytes;
  });
  const data = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (const value of values) at += data.write(value, at, 'utf8');
  return makeData({ type: new arrow.Utf8(), length: values.length, nullCount: 0, valueOffsets, data });
}
