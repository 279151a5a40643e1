// A repository's files in its tables: the manifest, and each file's chunk and symbol rows, written in an order a crash cannot break.
import type * as lancedb from '@lancedb/lancedb';
import { columnTable } from './columns.js';
import type { RepositoryTables } from './lance-store.js';
import { fileSchema, type ChunkRow, type FileRow } from './rows.js';
import { slices, sqlIn } from './sql.js';
import { symbolTable, type SymbolRow } from './symbol-rows.js';

/** The manifest as a map from path to its row. */
export async function readManifest(files: lancedb.Table): Promise<Map<string, FileRow>> {
  const rows = (await files.query().toArray()) as FileRow[];
  return new Map(rows.map((row) => [row.path, { ...row }]));
}

/**
 * Replaces everything the index holds for some files, in write order: first the
 * symbols (the files' old rows deleted, the new ones added), then the chunks (one merge
 * that inserts the new rows and deletes the files' old ones in a single commit), then
 * the manifest. An interruption before the manifest leaves it with the old hash, so the
 * next run redoes these files: the manifest never claims content that the symbol and
 * chunk tables do not hold. The symbols are not merged: a merge joins the whole table,
 * about four times the chunk table's rows (Go's standard library: 645k), and cost a
 * live update 0.3-0.8 s there against 0.05-0.2 s for a delete and an append.
 */
export async function replaceFiles(tables: RepositoryTables, rows: readonly ChunkRow[], files: readonly FileRow[], symbols: readonly SymbolRow[]): Promise<void> {
  if (files.length === 0) return;
  const paths = files.map((file) => file.path);
  for (const slice of slices(paths, 500)) await tables.symbols.delete(sqlIn('path', slice));
  if (symbols.length > 0) await tables.symbols.add(symbolTable(symbols));
  await tables.chunks
    .mergeInsert('id')
    .whenMatchedUpdateAll()
    .whenNotMatchedInsertAll()
    .whenNotMatchedBySourceDelete({ where: sqlIn('path', paths) })
    .execute(rows as unknown as Record<string, unknown>[]);
  await tables.files.mergeInsert('path').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(files as unknown as Record<string, unknown>[]);
}

/**
 * Adds files the manifest never held, in the same write order as `replaceFiles`: their
 * symbols and chunks are appended (no row of their paths can exist: rows the manifest
 * does not know are swept at the start of every run), then their manifest rows. A
 * merge would scan the whole table for each batch, which on a cold index of a large
 * tree made the text phase quadratic and its memory grow with the table.
 */
export async function appendFiles(tables: RepositoryTables, rows: readonly ChunkRow[], files: readonly FileRow[], symbols: readonly SymbolRow[]): Promise<void> {
  if (files.length === 0) return;
  if (symbols.length > 0) await tables.symbols.add(symbolTable(symbols));
  if (rows.length > 0) await tables.chunks.add(columnTable(await tables.chunks.schema(), rows));
  await tables.files.add(columnTable(fileSchema, files));
}

/** Removes files: manifest rows first, then their chunks and symbols (a crash between leaves orphans, which `sweepOrphans` removes). */
export async function removeFiles(tables: RepositoryTables, paths: readonly string[]): Promise<void> {
  for (const slice of slices(paths, 500)) {
    await tables.files.delete(sqlIn('path', slice));
    await tables.chunks.delete(sqlIn('path', slice));
    await tables.symbols.delete(sqlIn('path', slice));
  }
}

/** Deletes chunks and symbols whose path the manifest does not list (left by an interrupted write or removal); returns how many paths. */
export async function sweepOrphans(tables: RepositoryTables, manifest: ReadonlyMap<string, FileRow>): Promise<number> {
  const orphans = new Set<string>();
  for (const table of [tables.chunks, tables.symbols]) {
    const rows = (await table.query().select(['path']).toArray()) as { path: string }[];
    const paths = [...new Set(rows.map((row) => row.path))].filter((path) => !manifest.has(path));
    for (const slice of slices(paths, 500)) await table.delete(sqlIn('path', slice));
    for (const path of paths) orphans.add(path);
  }
  return orphans.size;
}
