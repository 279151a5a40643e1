// Reader for the safetensors format: an 8-byte little-endian header length, a JSON
// header mapping tensor names to dtype, shape and byte offsets, then the raw bytes.
// Only F16 tensors are decoded (to float32), which is what the MiniLM package ships.
import { readFile } from 'node:fs/promises';

/** A tensor's entry in the safetensors header. */
export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range inside the data section, end exclusive. */
  offsets: [number, number];
}

/** A parsed safetensors file whose tensors can be read as float32. */
export interface SafetensorsFile {
  readonly entries: ReadonlyMap<string, SafetensorsEntry>;
  /** The tensor as float32, row-major, in its stored shape. */
  float32(name: string): Float32Array;
  /** The tensor's half-precision bit patterns as stored, row-major. */
  float16(name: string): Uint16Array;
  /** A 2-D tensor `[rows, columns]` as float32, transposed to `[columns, rows]`. */
  float32Transposed(name: string): Float32Array;
}

/** Thrown for a file that is not valid safetensors; the caller turns it into a user-facing error. */
export class SafetensorsFormatError extends Error {
  override readonly name = 'SafetensorsFormatError';
}

const bytesPerElement: Record<string, number> = { F16: 2, BF16: 2, F32: 4, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const maxHeaderBytes = 100 * 1024 * 1024;

/** Reads and validates a safetensors file: header structure, dtypes and byte ranges. */
export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  return parseSafetensors(await readFile(path));
}

/** Parses safetensors bytes; see `readSafetensors`. */
export function parseSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) throw new SafetensorsFormatError(`file is ${bytes.byteLength} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > maxHeaderBytes || 8 + headerLength > bytes.byteLength) {
    throw new SafetensorsFormatError(`header length ${headerLength} does not fit in a ${bytes.byteLength}-byte file`);
  }
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;
  const entries = parseHeader(bytes.subarray(8, dataStart), dataLength);

  const halfBits = (name: string): { entry: SafetensorsEntry; bits: Uint16Array } => {
    const entry = entries.get(name);
    if (entry === undefined) throw new SafetensorsFormatError(`tensor ${name} is missing`);
    if (entry.dtype !== 'F16') throw new SafetensorsFormatError(`tensor ${name} is ${entry.dtype}, expected F16`);
    const [start, end] = entry.offsets;
    // Copy so the Uint16Array is aligned whatever the offset (Buffer#slice would not copy).
    // safetensors data is little-endian, like every host Node supports in practice.
    const copy = new Uint8Array(end - start);
    copy.set(bytes.subarray(dataStart + start, dataStart + end));
    return { entry, bits: new Uint16Array(copy.buffer) };
  };

  return {
    entries,
    float32(name) {
      return halfToFloat32(halfBits(name).bits);
    },
    float16(name) {
      return halfBits(name).bits;
    },
    float32Transposed(name) {
      const { entry, bits } = halfBits(name);
      const [rows, columns] = entry.shape;
      if (entry.shape.length !== 2 || rows === undefined || columns === undefined) {
        throw new SafetensorsFormatError(`tensor ${name} has shape [${entry.shape.join(', ')}], expected 2 dimensions`);
      }
      const table = halfTable();
      const out = new Float32Array(rows * columns);
      for (let row = 0; row < rows; row += 1) {
        const base = row * columns;
        for (let column = 0; column < columns; column += 1) {
          out[column * rows + row] = table[bits[base + column] as number] as number;
        }
      }
      return out;
    },
  };
}

function parseHeader(headerBytes: Uint8Array, dataLength: number): Map<string, SafetensorsEntry> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new SafetensorsFormatError(`header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsFormatError('header is not a JSON object');
  }
  const entries = new Map<string, SafetensorsEntry>();
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    entries.set(name, parseEntry(name, value, dataLength));
  }
  return entries;
}

function parseEntry(name: string, value: unknown, dataLength: number): SafetensorsEntry {
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = record;
  const isIntegerList = (list: unknown): list is number[] =>
    Array.isArray(list) && list.every((item) => Number.isInteger(item) && (item as number) >= 0);
  if (typeof dtype !== 'string' || !isIntegerList(shape) || !isIntegerList(offsets) || offsets.length !== 2) {
    throw new SafetensorsFormatError(`tensor ${name} has a malformed header entry`);
  }
  const [start, end] = offsets as [number, number];
  const width = bytesPerElement[dtype];
  if (width === undefined) throw new SafetensorsFormatError(`tensor ${name} has unknown dtype ${dtype}`);
  const elements = shape.reduce((product, size) => product * size, 1);
  if (end < start || end > dataLength || end - start !== elements * width) {
    throw new SafetensorsFormatError(
      `tensor ${name} spans bytes ${start}..${end}, which does not match its shape or the ${dataLength}-byte data section (file truncated?)`,
    );
  }
  return { dtype, shape, offsets: [start, end] };
}

let table: Float32Array | undefined;

/** All 65 536 half-precision values as float32, so conversion is one lookup per element. */
function halfTable(): Float32Array {
  if (table !== undefined) return table;
  table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits += 1) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const fraction = bits & 0x3ff;
    if (exponent === 0) table[bits] = sign * fraction * 2 ** -24;
    else if (exponent === 31) table[bits] = fraction === 0 ? sign * Infinity : Number.NaN;
    else table[bits] = sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
  }
  return table;
}

/** Converts IEEE 754 half-precision bit patterns to float32 values. */
export function halfToFloat32(bits: Uint16Array): Float32Array {
  const lookup = halfTable();
  const out = new Float32Array(bits.length);
  for (let index = 0; index < bits.length; index += 1) out[index] = lookup[bits[index] as number] as number;
  return out;
}
