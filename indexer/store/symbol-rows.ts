import type * as Arrow from 'apache-arrow';
import type { ExtractedReference, FileSymbols } from '../graph/extract-tags.js';
import { arrow } from './arrow.js';
import { columnTable } from './columns.js';

// The copy LanceDB uses (./arrow.ts): an ES import would load a second copy of the library.
const { Field, Int32, Schema, Utf8 } = arrow;

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

/** The rows as one Arrow table of {@link symbolSchema}, built column by column (./columns.ts): what LanceDB's `add` takes. */
export function symbolTable(rows: readonly SymbolRow[]): Arrow.Table {
  return columnTable(symbolSchema, rows);
}
