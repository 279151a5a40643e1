import type * as Arrow from 'apache-arrow';
import type { ExtractedReference, FileSymbols } from '../graph/extract-tags.js';
import { arrow } from './arrow.js';

// The copy LanceDB uses (./arrow.ts): LanceDB checks an added table with `instanceof`.
const { Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData } = arrow;

/** What a symbol row records: a name a file defines, a name it uses, an import it states, or the module path a `go.mod` declares. */
export type SymbolRole = 'definition' | 'reference' | 'import' | 'module';

/**
 * One row of a repository's symbol table. A definition keeps its lines and signature
 * in `text`; an import the raw specifier in `name` and how it was written in `kind`
 * (it is resolved to files when the graph is read, against the manifest of that
 * moment). The references of one file to one name share a row (fastify: 37,510
 * references in 5,913 rows): `kind` lists their lines (`12,40,77`), `text` their line
 * texts joined by newlines (a line text has none), `start_line` and `end_line` the
 * first and the last; {@link unpackReferences} reads them back.
 */
export interface SymbolRow {
  id: string;
  path: string;
  language: string;
  role: SymbolRole;
  name: string;
  kind: string;
  start_line: number;
  end_line: number;
  text: string;
}

/** Arrow schema of a repository's symbol table. */
export const symbolSchema = new Schema([
  ...['id', 'path', 'language', 'role', 'name', 'kind'].map((name) => new Field(name, new Utf8(), false)),
  new Field('start_line', new Int32(), false),
  new Field('end_line', new Int32(), false),
  new Field('text', new Utf8(), false),
]);

/** The `module example.com/x` line of a go.mod: Go imports resolve against it. */
export function goModulePath(text: string): string | undefined {
  return /^\s*module\s+"?([^\s"]+)"?/m.exec(text)?.[1];
}

/** The stored rows of one file's part of the graph (ids are the path and the row's place, unique per table). */
export function toSymbolRows(path: string, language: string, graph: FileSymbols, goModule?: string): SymbolRow[] {
  const rows: SymbolRow[] = [];
  const add = (role: SymbolRole, name: string, kind: string, start_line: number, end_line: number, text: string): void => {
    rows.push({ id: `${path}#${rows.length}`, path, language, role, name, kind, start_line, end_line, text });
  };
  for (const definition of graph.definitions) add('definition', definition.name, definition.kind, definition.startLine, definition.endLine, definition.signature);
  const byName = new Map<string, ExtractedReference[]>();
  for (const reference of graph.references) {
    const same = byName.get(reference.name);
    if (same) same.push(reference);
    else byName.set(reference.name, [reference]);
  }
  for (const [name, references] of byName) {
    const lines = references.map((reference) => reference.line);
    add('reference', name, lines.join(','), lines[0] as number, lines.at(-1) as number, references.map((reference) => reference.text).join('\n'));
  }
  for (const entry of graph.imports) add('import', entry.specifier, entry.kind, entry.line, entry.line, '');
  if (goModule !== undefined) add('module', goModule, 'go', 1, 1, '');
  return rows;
}

/** The lines of a reference row's references (a row written one reference a row, before they were packed, has `kind` `reference`). */
export function referenceLines(kind: string, startLine: number): number[] {
  return kind === 'reference' ? [startLine] : kind.split(',').map(Number);
}

/** The references a reference row packs, in line order, each with its line text. */
export function unpackReferences(row: Pick<SymbolRow, 'kind' | 'start_line' | 'text'>): { line: number; text: string }[] {
  const texts = row.text.split('\n');
  return referenceLines(row.kind, row.start_line).map((line, index) => ({ line, text: texts[index] ?? '' }));
}

const textColumns = ['id', 'path', 'language', 'role', 'name', 'kind'] as const;

/**
 * The rows as one Arrow table of {@link symbolSchema}, built column by column: a cold
 * index writes some 40k symbol rows for fastify, and LanceDB's conversion of row objects
 * (a builder per column, a value at a time) cost about as much as extracting them.
 */
export function symbolTable(rows: readonly SymbolRow[]): Arrow.Table {
  const length = rows.length;
  const int32 = (field: 'start_line' | 'end_line'): Arrow.Data => makeData({ type: new Int32(), length, nullCount: 0, data: Int32Array.from(rows, (row) => row[field]) });
  const children = [...textColumns.map((field) => utf8Data(rows.map((row) => row[field]))), int32('start_line'), int32('end_line'), utf8Data(rows.map((row) => row.text))];
  const struct = makeData({ type: new Struct(symbolSchema.fields), length, nullCount: 0, children });
  return new Table([new RecordBatch(symbolSchema, struct)]);
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
  return makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets, data });
}
