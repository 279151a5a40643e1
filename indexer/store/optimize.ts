// The indexes and compaction of a repository's tables and of the shared vector cache.
// Before LanceDB, which then finds apache-arrow already loaded (./arrow.ts).
import './arrow.js';
import * as lancedb from '@lancedb/lancedb';
import type { RepositoryTables } from './lance-store.js';

const FTS_INDEX = 'search_text_idx';
const NAME_INDEX = 'name_idx';

/**
 * Brings the full-text index (and the symbol table's name index) up to date and
 * compacts: creates the indexes on first use, then `optimize` merges new rows into
 * them, compacts small fragments and removes old table versions, so tables do not grow
 * without bound across runs.
 */
export async function optimizeRepository(tables: RepositoryTables, vectorCache?: lancedb.Table): Promise<void> {
  const indices = await tables.chunks.listIndices();
  if (!indices.some((index) => index.name === FTS_INDEX) && (await tables.chunks.countRows()) > 0) {
    await tables.chunks.createIndex('search_text', {
      name: FTS_INDEX,
      replace: true,
      config: lancedb.Index.fts({ withPosition: false, stem: true, removeStopWords: true, asciiFolding: true, lowercase: true }),
    });
    // A full-text index just made covers every row: the end of a first text phase is
    // searchable without compacting, which waits for the run's full optimisation.
    if (!vectorCache) return;
  }
  // Name lookups (`symbols()`) read the index instead of scanning every row; rows written
  // since (live updates) are scanned until the next optimisation merges them in. It is
  // made by the full optimisation (with the vector cache: end of a run, the watcher's),
  // not the one that ends the text phase, so it never delays "searchable by text".
  if (vectorCache && !(await tables.symbols.listIndices()).some((index) => index.name === NAME_INDEX) && (await tables.symbols.countRows()) > 0) {
    await tables.symbols.createIndex('name', { name: NAME_INDEX, replace: true, config: lancedb.Index.btree() });
  }
  const olderThan = new Date();
  for (const table of [tables.chunks, tables.files, tables.symbols]) await table.optimize({ cleanupOlderThan: olderThan });
  // The vector cache is shared by every repository and process: keep a grace period so a
  // reader that opened an older version a moment ago is not left without its files.
  if (vectorCache) await vectorCache.optimize({ cleanupOlderThan: new Date(olderThan.getTime() - CACHE_GRACE_MS) });
}

/** Versions of the shared vector cache younger than this survive an optimisation. */
const CACHE_GRACE_MS = 5 * 60 * 1000;
