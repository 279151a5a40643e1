import type { Query, Table } from '@lancedb/lancedb';
import { abortable } from '../../platform/index.js';
import type { LanguageId, SymbolDefinition, SymbolReference, SymbolsResponse } from '../../schemas/index.js';
import { languageForPath } from '../chunk/languages/index.js';
import type { RepositoryTables } from '../store/lance-store.js';
import { sqlIn } from '../store/sql.js';
import { referenceLines, unpackReferences, type SymbolRow } from '../store/symbol-rows.js';
import type { FileGraph } from './file-graph.js';
import { PathIndex } from './path-index.js';
import { resolveImports, type GoModule, type ImportSpecifier } from './resolve-imports.js';

/** References `symbols()` lists unless the caller says otherwise. */
export const DEFAULT_REFERENCE_LIMIT = 50;

/** Graphs read at one version of the symbol and file tables; a table that changed since is read again. */
const cache = new WeakMap<Table, { version: string; graphs: Promise<FileGraph[]> }>();

/**
 * Every indexed file of a language the graph knows, with its definitions, its
 * references and its imports resolved against the manifest of now. Kept per version
 * of the symbol and file tables (a version check costs next to nothing; a live update
 * makes new versions, so the graph is never stale), so a server answers repeated map
 * requests without reading the tables again.
 */
export async function readFileGraphs(tables: Pick<RepositoryTables, 'symbols' | 'files'>, signal?: AbortSignal): Promise<FileGraph[]> {
  signal?.throwIfAborted();
  const version = await graphVersion(tables);
  const cached = cache.get(tables.symbols);
  if (cached && cached.version === version) return abortable(cached.graphs, signal);
  // The read is shared by every caller of this version, so no caller's signal stops it: each only stops waiting.
  const graphs = buildGraphs(tables);
  cache.set(tables.symbols, { version, graphs });
  // A failed read is not kept: the next call reads again.
  graphs.catch(() => cache.delete(tables.symbols));
  return abortable(graphs, signal);
}

/** The version of the tables a graph is read from: it changes with every write to either. */
export async function graphVersion(tables: Pick<RepositoryTables, 'symbols' | 'files'>): Promise<string> {
  return `${await tables.symbols.version()}:${await tables.files.version()}`;
}

/**
 * Visits the rows of a scan batch by batch, reading each column once as a plain array:
 * the row objects `toArray()` returns decode a field on every access, which made reading
 * the Go standard library's 645k rows take seconds instead of one.
 */
async function scanColumns(query: Query, columns: readonly string[], visit: (column: (name: string) => unknown[], rows: number) => void): Promise<void> {
  for await (const batch of query.select([...columns])) {
    const arrays = new Map(columns.map((name) => [name, (batch.getChild(name)?.toArray() ?? []) as unknown[]]));
    visit((name) => arrays.get(name) ?? [], batch.numRows);
  }
}

type PendingGraph = FileGraph & { raw: ImportSpecifier[] };

async function buildGraphs(tables: Pick<RepositoryTables, 'symbols' | 'files'>): Promise<FileGraph[]> {
  const graphs = new Map<string, PendingGraph>();
  // Indexed files: a capped file (`too-many-chunks`) keeps its first chunks and its whole graph.
  await scanColumns(tables.files.query().where("skipped = '' OR skipped = 'too-many-chunks'"), ['path'], (column, rows) => {
    const paths = column('path') as string[];
    for (let row = 0; row < rows; row++) {
      const path = paths[row] as string;
      const language = languageForPath(path)?.id;
      if (language) graphs.set(path, { path, language, definitions: [], references: [], imports: [], raw: [] });
    }
  });
  const goModules: GoModule[] = [];
  // Definitions with their signatures; the rest without text (references' lines are most of the table).
  await scanColumns(tables.symbols.query().where("role = 'definition'"), ['path', 'name', 'kind', 'start_line', 'end_line', 'text'], (column, rows) => {
    const [paths, names, kinds, starts, ends, texts] = ['path', 'name', 'kind', 'start_line', 'end_line', 'text'].map(column) as [string[], string[], string[], number[], number[], string[]];
    for (let row = 0; row < rows; row++) {
      graphs.get(paths[row] as string)?.definitions.push({ name: names[row] as string, kind: kinds[row] as string, startLine: starts[row] as number, endLine: ends[row] as number, signature: texts[row] as string });
    }
  });
  await scanColumns(tables.symbols.query().where("role <> 'definition'"), ['path', 'role', 'name', 'kind', 'start_line'], (column, rows) => {
    const [paths, roles, names, kinds, starts] = ['path', 'role', 'name', 'kind', 'start_line'].map(column) as [string[], string[], string[], string[], number[]];
    for (let row = 0; row < rows; row++) {
      const path = paths[row] as string;
      const name = names[row] as string;
      if (roles[row] === 'module') goModules.push({ folder: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '', path: name });
      const graph = graphs.get(path);
      if (roles[row] === 'reference') for (const line of referenceLines(kinds[row] as string, starts[row] as number)) graph?.references.push({ name, line });
      else if (roles[row] === 'import') graph?.raw.push({ specifier: name, kind: kinds[row] as string });
    }
  });
  // The deepest module first: a nested module owns its folder, not the one above it.
  goModules.sort((left, right) => right.folder.length - left.folder.length);
  const context = { files: new PathIndex(graphs.keys()), goModules };
  const result: FileGraph[] = [];
  for (const { raw, ...graph } of [...graphs.values()].sort((left, right) => (left.path < right.path ? -1 : 1))) {
    graph.definitions.sort((left, right) => left.startLine - right.startLine);
    graph.references.sort((left, right) => left.line - right.line);
    graph.imports = resolveImports(graph.path, graph.language, raw, context);
    result.push(graph);
  }
  return result;
}

/** The name a lookup matches: the name itself, or the last segment of a qualified one (`Ledger.settle`, `bank::Ledger`, `App\\Ledger`). */
export function lookupName(name: string): string {
  return name.split(/::|\.|\\|#|->/).filter((part) => part !== '').at(-1) ?? name;
}

/**
 * What the graph knows of a name: its definitions (exact name, or the last segment of a
 * qualified name) and its references, in path and line order, at most `limit`
 * (`truncated` when there are more).
 */
export async function lookupSymbol(symbols: Table, name: string, options: { limit?: number | undefined; signal?: AbortSignal | undefined } = {}): Promise<SymbolsResponse> {
  const names = [...new Set([name, lookupName(name)])];
  const limit = options.limit ?? DEFAULT_REFERENCE_LIMIT;
  const rows = (await symbols
    .query()
    .where(`role IN ('definition', 'reference') AND ${sqlIn('name', names)}`)
    .select(['path', 'language', 'role', 'name', 'kind', 'start_line', 'end_line', 'text'])
    .toArray()) as SymbolRow[];
  options.signal?.throwIfAborted();
  const byPlace = (left: SymbolRow, right: SymbolRow): number => (left.path < right.path ? -1 : left.path > right.path ? 1 : left.start_line - right.start_line);
  rows.sort(byPlace);
  const definitions: SymbolDefinition[] = rows
    .filter((row) => row.role === 'definition')
    .map((row) => ({ path: row.path, language: row.language as LanguageId, name: row.name, kind: row.kind, startLine: row.start_line, endLine: row.end_line, signature: row.text }));
  // A row packs one file's references to one name; the rows are in path order, the names of a file interleave by line.
  const references: SymbolReference[] = rows
    .filter((row) => row.role === 'reference')
    .flatMap((row) => unpackReferences(row).map(({ line, text }) => ({ path: row.path, language: row.language as LanguageId, name: row.name, line, text })))
    .sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : left.line - right.line));
  const response: SymbolsResponse = { name, definitions, references: references.slice(0, limit) };
  if (references.length > limit) response.truncated = true;
  return response;
}
