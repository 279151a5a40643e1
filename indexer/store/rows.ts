import type * as Arrow from 'apache-arrow';
import type { Chunk, ChunkKind, LanguageId } from '../../schemas/index.js';
import { arrow } from './arrow.js';

// The copy LanceDB uses (./arrow.ts): an ES import would load a second copy of the library.
const { Bool, Field, FixedSizeList, Float32, Float64, Int32, Schema, Utf8 } = arrow;

/** A chunk as stored: the chunk's fields in snake_case (SQL filters fold unquoted names to lower case), its vector and search text. */
export interface ChunkRow {
  id: string;
  path: string;
  language: string;
  kind: string;
  name: string;
  qualified_name: string;
  signature: string;
  start_line: number;
  end_line: number;
  content: string;
  header: string;
  doc: string;
  part_index: number;
  part_count: number;
  hash: string;
  /** Tests, fixtures, examples, benchmarks and generated files rank below source. */
  is_secondary: boolean;
  search_text: string;
  /** False while the row waits for its vector (written in the text phase); vector search skips it. */
  embedded: boolean;
  vector: number[] | Float32Array;
}

/** One file of a repository's manifest: what the index holds for that path. */
export interface FileRow {
  path: string;
  /** sha256 of the file's bytes. */
  hash: string;
  size: number;
  mtime_ms: number;
  chunks: number;
  /** The skip reason when the file was seen but not chunked; empty otherwise. */
  skipped: string;
}

/** A cached embedding: the vector of one embedding text (by content hash) under one model. */
export interface VectorRow {
  hash: string;
  vector: number[] | Float32Array;
}

const vectorField = (dimension: number): Arrow.Field => new Field('vector', new FixedSizeList(dimension, new Field('item', new Float32(), true)), false);

/** Arrow schema of a repository's chunk table. */
export function chunkSchema(dimension: number): Arrow.Schema {
  const text = ['id', 'path', 'language', 'kind', 'name', 'qualified_name', 'signature'];
  const more = ['content', 'header', 'doc'];
  return new Schema([
    ...text.map((name) => new Field(name, new Utf8(), false)),
    new Field('start_line', new Int32(), false),
    new Field('end_line', new Int32(), false),
    ...more.map((name) => new Field(name, new Utf8(), false)),
    new Field('part_index', new Int32(), false),
    new Field('part_count', new Int32(), false),
    new Field('hash', new Utf8(), false),
    new Field('is_secondary', new Bool(), false),
    new Field('search_text', new Utf8(), false),
    new Field('embedded', new Bool(), false),
    vectorField(dimension),
  ]);
}

/** Arrow schema of a repository's file manifest. */
export const fileSchema = new Schema([
  new Field('path', new Utf8(), false),
  new Field('hash', new Utf8(), false),
  new Field('size', new Float64(), false),
  new Field('mtime_ms', new Float64(), false),
  new Field('chunks', new Int32(), false),
  new Field('skipped', new Utf8(), false),
]);

/** Arrow schema of the embedding cache of one model. */
export function vectorSchema(dimension: number): Arrow.Schema {
  return new Schema([new Field('hash', new Utf8(), false), vectorField(dimension)]);
}

const secondaryPath = /(^|\/)(tests?|__tests__|spec|specs|fixtures?|examples?|benchmarks?|bench|e2e|testdata|mocks?|__mocks__|docs?)(\/|$)|[._-](test|spec|bench)\.[a-z]+$|_test\.go$|(^|\/)test_[^/]*\.py$/i;

/** Whether a path holds tests, fixtures, examples, benchmarks or docs rather than source. */
export function isSecondaryPath(path: string): boolean {
  return secondaryPath.test(path);
}

/** The stored row of a chunk, without its vector yet. */
export function toChunkRow(chunk: Chunk, index: number, searchText: string): ChunkRow {
  return {
    id: `${chunk.path}#${index}:${chunk.contentHash.slice(0, 16)}`,
    path: chunk.path,
    language: chunk.language,
    kind: chunk.kind,
    name: chunk.name,
    qualified_name: chunk.qualifiedName,
    signature: chunk.signature,
    start_line: chunk.startLine,
    end_line: chunk.endLine,
    content: chunk.content,
    header: chunk.header,
    doc: chunk.doc ?? '',
    part_index: chunk.part?.index ?? 1,
    part_count: chunk.part?.count ?? 1,
    hash: chunk.contentHash,
    is_secondary: isSecondaryPath(chunk.path),
    search_text: searchText,
    embedded: false,
    vector: [],
  };
}

/** The fields of a stored row that queries return. */
export interface StoredChunk {
  path: string;
  language: LanguageId;
  kind: ChunkKind;
  qualifiedName: string;
  startLine: number;
  endLine: number;
  content: string;
  isSecondary: boolean;
}
