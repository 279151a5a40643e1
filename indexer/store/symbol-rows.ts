import type * as Arrow from 'apache-arrow';
import type { FileSymbols } from '../graph/extract-tags.js';
import { arrow } from './arrow.js';

// The copy LanceDB uses (./arrow.ts): LanceDB checks an added table with `instanceof`.
const { Field, Int32, RecordBatch, Schema, Struct, Table, Utf8, makeData } = arrow;

/** What a symbol row records: a name a file defines, a name it uses, an import it states, or the module path a `go.mod` declares. */
export type SymbolRole = 'definition' | 'reference' | 'import' | 'module';

/**
 * One row of a repository's symbol table. A definition keeps its lines and signature
 * in `text`; a reference its line (`start_line` = `end_line`) and the line's text; an
 * import the raw specifier in `name` and how it was written in `kind` (it is resolved
 * to files when the graph is read, against the manifest of that moment).
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
  const rows: Omit<SymbolRow, 'id' | 'path' | 'language'>[] = [
    ...graph.definitions.map((definition) => ({ role: 'definition' as const, name: definition.name, kind: definition.kind, start_line: definition.startLine, end_line: definition.endLine, text: definition.signature })),
    ...graph.references.map((reference) => ({ role: 'reference' as const, name: reference.name, kind: 'reference', start_line: reference.line, end_line: reference.line, text: reference.text })),
    ...graph.imports.map((entry) => ({ role: 'import' as const, name: entry.specifier, kind: entry.kind, start_line: entry.line, end_line: entry.line, text: '' })),
  ];
  if (goModule !== undefined) rows.push({ role: 'module', name: goModule, kind: 'go', start_line: 1, end_line: 1, text: '' });
  return rows.map((row, index) => ({ id: `${path}#${index}`, path, language, ...row }));
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
