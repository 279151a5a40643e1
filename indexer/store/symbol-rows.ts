import { createRequire } from 'node:module';
import type * as Arrow from 'apache-arrow';
import type { FileSymbols } from '../graph/extract-tags.js';

// apache-arrow through require, as LanceDB loads it (see rows.ts).
const { Field, Int32, Schema, Utf8 } = createRequire(import.meta.url)('apache-arrow') as typeof Arrow;

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
