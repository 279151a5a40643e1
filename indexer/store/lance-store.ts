import { lstat, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
// Before LanceDB, which then finds apache-arrow already loaded (./arrow.ts).
import './arrow.js';
import * as lancedb from '@lancedb/lancedb';
import { MinionsError } from '../../schemas/index.js';
import { chunkSchema, fileSchema, vectorSchema, type ChunkRow, type FileRow, type VectorRow } from './rows.js';
import { columnTable } from './columns.js';
import { slices, sqlIn } from './sql.js';
import { symbolSchema, symbolTable, type SymbolRow } from './symbol-rows.js';

/** A repository's tables: its chunks (with vectors and a full-text index), its file manifest and its symbol graph. */
export interface RepositoryTables {
  chunks: lancedb.Table;
  files: lancedb.Table;
  symbols: lancedb.Table;
}

const FTS_INDEX = 'search_text_idx';
const NAME_INDEX = 'name_idx';

type TableSchema = Parameters<lancedb.Connection['createEmptyTable']>[1];

/** Wraps a LanceDB failure on existing data as `index-corrupt`, with the command that rebuilds it. */
export function corrupt(what: string, error: unknown, rebuild: string): MinionsError {
  const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new MinionsError('index-corrupt', `The index ${what} is damaged or unreadable (${cause}). Rebuild it with \`${rebuild}\`.`, { cause: error });
}

/** Table names: one chunk table, one manifest and one symbol table per repository, one vector cache per embedding model. */
export const tableNames = {
  chunks: (repositoryId: string) => `chunks_${repositoryId}`,
  files: (repositoryId: string) => `files_${repositoryId}`,
  symbols: (repositoryId: string) => `symbols_${repositoryId}`,
  vectors: (modelId: string) => `vectors_${modelId.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}`,
};

/** The embedded LanceDB database under the data directory, with the operations the indexer and search need. */
export class LanceStore {
  private constructor(
    private readonly connection: lancedb.Connection,
    private readonly folder: string,
  ) {}

  /**
   * Opens (creating if needed) the database in a folder. With `readConsistencySeconds`
   * 0, a table kept open sees every later write to it, by any table object or process
   * (each read checks for a newer version); without it, a table sees its own writes only.
   * Every store of the process shares one LanceDB session, so its caches are bounded
   * once for the process (`setStoreCache`).
   */
  static async open(folder: string, options: { readConsistencySeconds?: number } = {}): Promise<LanceStore> {
    const consistency = options.readConsistencySeconds === undefined ? {} : { readConsistencyInterval: options.readConsistencySeconds };
    return new LanceStore(await lancedb.connect(folder, { ...consistency, session: processSession() }), folder);
  }

  /** Whether a repository has tables. */
  async hasRepository(repositoryId: string): Promise<boolean> {
    const names = await this.connection.tableNames();
    return names.includes(tableNames.chunks(repositoryId)) && names.includes(tableNames.files(repositoryId));
  }

  /**
   * Opens a repository's tables, creating them empty when `create` is set. An index
   * built before the symbol graph has no symbol table: without `create` that is
   * `index-missing` (its meta file's chunker version makes the next `index` rebuild it).
   */
  async repository(repositoryId: string, dimension: number, create: boolean): Promise<RepositoryTables> {
    const names = await this.connection.tableNames();
    const open = async (name: string, schema: TableSchema): Promise<lancedb.Table> => {
      if (names.includes(name)) return create ? this.openOrRecreate(name, schema) : this.connection.openTable(name);
      if (!create) throw new MinionsError('index-missing', `Table ${name} does not exist; index the repository again (\`minions index <repo>\`) to build it.`);
      return this.connection.createEmptyTable(name, schema, { existOk: true });
    };
    return {
      chunks: await open(tableNames.chunks(repositoryId), chunkSchema(dimension)),
      files: await open(tableNames.files(repositoryId), fileSchema),
      symbols: await open(tableNames.symbols(repositoryId), symbolSchema),
    };
  }

  /** Drops a repository's tables (a rebuild starts from nothing). */
  async dropRepository(repositoryId: string): Promise<void> {
    const names = await this.connection.tableNames();
    for (const name of [tableNames.chunks(repositoryId), tableNames.files(repositoryId), tableNames.symbols(repositoryId)]) {
      if (names.includes(name)) await this.connection.dropTable(name);
    }
  }

  /** Every table of a repository: its chunks and manifest, and any other table named after it (`<kind>_<id>`). */
  async tablesOf(repositoryId: string): Promise<string[]> {
    return (await this.connection.tableNames()).filter((name) => name.endsWith(`_${repositoryId}`) && !name.startsWith('vectors_'));
  }

  /** Drops every table of a repository (`minions forget`); returns their names. */
  async forgetRepository(repositoryId: string): Promise<string[]> {
    const names = await this.tablesOf(repositoryId);
    for (const name of names) await this.connection.dropTable(name);
    return names;
  }

  /** Bytes on disk of the given tables (LanceDB keeps each in a `<name>.lance` folder). */
  async tableBytes(names: readonly string[]): Promise<number> {
    let total = 0;
    for (const name of names) total += await folderBytes(join(this.folder, `${name}.lance`));
    return total;
  }

  /** The embedding cache table of a model. */
  async vectorCache(modelId: string, dimension: number): Promise<lancedb.Table> {
    const name = tableNames.vectors(modelId);
    if ((await this.connection.tableNames()).includes(name)) return this.openOrRecreate(name, vectorSchema(dimension));
    return this.connection.createEmptyTable(name, vectorSchema(dimension), { existOk: true });
  }

  /**
   * Makes sure the vector cache of a model can be read in full, before a rebuild drops
   * anything. The cache is only a cache (every vector can be computed again), so a
   * damaged one is moved aside (`vectors_<model>.lance.damaged-<time>`, for a look or
   * removal) and an empty one created; returns where it went, or undefined when it was sound.
   */
  async repairVectorCache(modelId: string, dimension: number): Promise<string | undefined> {
    const name = tableNames.vectors(modelId);
    try {
      const cache = await this.vectorCache(modelId, dimension);
      try {
        for await (const _batch of cache.query().select(['hash', 'vector'])) void _batch;
      } finally {
        cache.close();
      }
      return undefined;
    } catch {
      const aside = join(this.folder, `${name}.lance.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await rename(join(this.folder, `${name}.lance`), aside);
      await this.connection.createEmptyTable(name, vectorSchema(dimension), { existOk: true });
      return aside;
    }
  }

  /**
   * Opens a table. A process killed while creating a table leaves its folder with no
   * committed version: it holds nothing, cannot be opened, and is created again. A
   * table with versions that fails to open is an error (`index-corrupt` upstream).
   */
  private async openOrRecreate(name: string, schema: TableSchema): Promise<lancedb.Table> {
    try {
      return await this.connection.openTable(name);
    } catch (error) {
      const versions = await readdir(join(this.folder, `${name}.lance`, '_versions')).catch(() => []);
      if (versions.length > 0) throw error;
      await this.connection.dropTable(name);
      return this.connection.createEmptyTable(name, schema, { existOk: true });
    }
  }

  close(): void {
    this.connection.close();
  }
}

/**
 * LanceDB's caches, in MB: the index cache (full-text and scalar index pages) and the
 * metadata cache (manifests, fragment and file metadata, deletion files). LanceDB's own
 * defaults are 6 GB and 1 GB, and both fill as a table grows: a cold index of the Go
 * standard library (140k chunks) held 300 MB in them by the end of its vector phase, half
 * of the 600 MB the indexer may use. Queries read what is not cached from the files (in
 * the OS page cache once read); docs/benchmarks.md has the figures.
 */
export interface StoreCache {
  indexMb: number;
  metadataMb: number;
}

export const DEFAULT_STORE_CACHE: StoreCache = { indexMb: 64, metadataMb: 32 };

let cacheSizes: StoreCache = DEFAULT_STORE_CACHE;
let session: lancedb.Session | undefined;

/** Sets the cache sizes of the process's LanceDB session; stores opened before keep the session they have. */
export function setStoreCache(sizes: StoreCache): void {
  cacheSizes = sizes;
  session = undefined;
}

/** What the caches of the process's LanceDB session hold now: bytes and (about) how many entries. */
export function storeCacheUse(): { bytes: number; items: number } {
  const current = processSession();
  return { bytes: Number(current.sizeBytes()), items: current.approxNumItems() };
}

function processSession(): lancedb.Session {
  const bytes = (mb: number) => BigInt(Math.round(mb * 1024 * 1024));
  session ??= new lancedb.Session(bytes(cacheSizes.indexMb), bytes(cacheSizes.metadataMb));
  return session;
}

/** Cached vectors for the given content hashes. */
export async function readVectors(cache: lancedb.Table, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  for (const slice of slices([...new Set(hashes)], 500)) {
    const rows = (await cache.query().where(sqlIn('hash', slice)).select(['hash', 'vector']).toArray()) as { hash: string; vector: ArrayLike<number> }[];
    for (const row of rows) found.set(row.hash, Float32Array.from(row.vector));
  }
  return found;
}

/** Adds vectors to the cache (one table version for the whole batch). */
export async function writeVectors(cache: lancedb.Table, rows: readonly VectorRow[]): Promise<void> {
  if (rows.length > 0) await cache.mergeInsert('hash').whenNotMatchedInsertAll().execute(rows as unknown as Record<string, unknown>[]);
}

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

/** The bytes of the files under a folder (0 when it does not exist). */
async function folderBytes(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else total += await lstat(path).then((info) => info.size, () => 0);
  }
  return total;
}
