import { MinionsError, type IndexEvent, type IndexSummary } from '../../schemas/index.js';
import type { ChunkOptions } from '../chunk/index.js';
import type { Embedder } from '../embedding/index.js';
import { discoverFiles } from '../files/index.js';
import { CHUNKER_VERSION, readMeta, rebuildReason, resolveRepository, writeMeta, type RepositoryRef } from '../repository-meta.js';
import { readManifest, removeFiles, sweepOrphans } from '../store/file-writes.js';
import { optimizeRepository } from '../store/optimize.js';
import type { LanceStore, RepositoryTables } from '../store/lance-store.js';
import type { FileRow } from '../store/rows.js';
import type { Table } from '@lancedb/lancedb';
import { excludedFolderPatterns } from './excluded-folders.js';
import { prepareFile, touched, type Candidate, type PreparedFile } from './prepare-file.js';
import { fillPendingVectors } from './vector-phase.js';
import { writeTextPhase, writeTouched, type BatchCounts } from './write-batch.js';

/** What `indexRepository` needs: the store, the embedder, where meta files live, and limits. */
export interface IndexRepositoryOptions {
  store: LanceStore;
  embedder: Embedder;
  /** Folder of the per-repository meta files. */
  metaFolder: string;
  signal?: AbortSignal;
  /** Drop the repository's index and build it again. */
  rebuild?: boolean;
  /** Chunks written per batch of the text phase, and given vectors per page of the vector phase (one chunk-table version each); defaults 512 and 2,048. */
  batchChunks?: number;
  maxFileBytes?: number;
  chunk?: ChunkOptions;
  /** Folders (real, absolute) never indexed even when inside the repository: the data directory. */
  exclude?: readonly string[] | undefined;
}

/**
 * Indexes a repository incrementally and yields progress, in two phases. The text
 * phase writes every changed file's chunks (cached vectors where the text was embedded
 * before, none otherwise), removes deleted files and brings the full-text index up to
 * date: the whole tree is searchable by text (`text-end`). The vector phase then embeds
 * the chunks still waiting (`vectors-progress`), page by page from the table, and
 * queries meanwhile use vectors where they exist. Unchanged files (same size and mtime,
 * or same content hash) are neither parsed nor embedded; only chunk texts never
 * embedded before under this model go to the embedder (the vector cache is shared by all
 * repositories). A chunker or model change rebuilds, and says so. `path` is a folder, or
 * a repository already resolved (`RepositoryIndex` passes its own).
 */
export async function* indexRepository(path: string | RepositoryRef, options: IndexRepositoryOptions): AsyncGenerator<IndexEvent, IndexSummary> {
  const started = performance.now();
  const { store, embedder, signal } = options;
  // A handle passes its resolved repository; a path is resolved here.
  const repository = typeof path === 'string' ? await resolveRepository(path) : path;
  yield { type: 'index-start', repositoryId: repository.repositoryId, root: repository.root };
  const rebuilt = await prepareTables(repository, options);
  if (rebuilt) yield { type: 'index-rebuild', reason: rebuilt };
  const tables = await store.repository(repository.repositoryId, embedder.dimension, true);
  const manifest = await readManifest(tables.files);
  await sweepOrphans(tables, manifest);
  const cache = await store.vectorCache(embedder.modelId, embedder.dimension);
  const counts = { changed: 0, embedded: 0, cached: 0, chunks: 0, filesDone: 0, skipped: 0 };
  const scan = yield* scanFiles(repository, manifest, options, counts);
  yield* textPhase(tables, cache, scan, options, counts);
  // The full-text index takes in what the text phase wrote (a run that wrote nothing leaves it as it is).
  if (scan.candidates.length > scan.touched || scan.deleted.length > 0) await optimizeRepository(tables);
  const stamp = async (): Promise<{ files: number; chunks: number }> => {
    const sizes = { files: await tables.files.countRows("skipped = ''"), chunks: await tables.chunks.countRows() };
    await writeMeta(options.metaFolder, { ...repository, chunker: CHUNKER_VERSION, model: embedder.modelId, dimension: embedder.dimension, updatedAt: new Date().toISOString(), ...sizes });
    return sizes;
  };
  const textSizes = await stamp();
  const pending = await tables.chunks.countRows('embedded = false');
  yield { type: 'text-end', files: counts.changed, deleted: scan.deleted.length, chunks: textSizes.chunks, pending, seconds: (performance.now() - started) / 1000 };
  for await (const progress of fillPendingVectors(tables, cache, embedder, options.batchChunks ?? DEFAULT_PAGE_CHUNKS, counts, signal)) {
    yield { type: 'vectors-progress', ...progress, embedded: counts.embedded, cached: counts.cached };
  }
  await optimizeRepository(tables, cache);
  const { files, chunks } = await stamp();
  const summary: IndexSummary = {
    ...repository,
    files,
    chunks,
    changed: counts.changed,
    deleted: scan.deleted.length,
    unchanged: scan.seen - scan.candidates.length + scan.touched,
    skipped: counts.skipped,
    embedded: counts.embedded,
    cached: counts.cached,
    seconds: (performance.now() - started) / 1000,
  };
  if (rebuilt) summary.rebuilt = rebuilt;
  yield { type: 'index-end', summary };
  return summary;
}

/** Chunks per text-phase batch, unless the caller says otherwise. */
const DEFAULT_BATCH_CHUNKS = 512;

/**
 * Chunks per vector-phase page, unless the caller says otherwise: each page is one update
 * of the chunk table (a new fragment, deletion files on the old ones, a join on every id
 * of the table), so fewer, larger pages leave fewer versions and fragments to compact.
 */
const DEFAULT_PAGE_CHUNKS = 2048;

type RunCounts = BatchCounts & { changed: number; filesDone: number; skipped: number };

/** What the scan found: the files to read, the manifest paths gone from disk, how many files exist. */
interface Scan {
  candidates: Candidate[];
  deleted: string[];
  seen: number;
  /** Candidates whose content turned out unchanged (only their mtime moved); set by the text phase. */
  touched: number;
}

/** Lists the repository's files and compares them with the manifest. */
async function* scanFiles(repository: RepositoryRef, manifest: ReadonlyMap<string, FileRow>, options: IndexRepositoryOptions, counts: RunCounts): AsyncGenerator<IndexEvent, Scan> {
  const { signal } = options;
  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  const extraIgnore = excludedFolderPatterns(repository.root, options.exclude ?? []);
  for await (const entry of discoverFiles(repository.root, { ...(signal ? { signal } : {}), ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}), ...(extraIgnore.length > 0 ? { extraIgnore } : {}) })) {
    if (entry.type === 'skipped') {
      counts.skipped++;
      yield { type: 'file-skipped', path: entry.path, reason: entry.reason, detail: entry.detail };
      continue;
    }
    seen.add(entry.path);
    const previous = manifest.get(entry.path);
    if (previous && previous.size === entry.size && previous.mtime_ms === entry.mtimeMs) continue;
    candidates.push({ ...entry, previous });
  }
  if (seen.size === 0 && manifest.size === 0) {
    throw new MinionsError('invalid-argument', `${repository.root} has no files to index (after .gitignore, .minionsignore and the size cap). Check the path.`);
  }
  const deleted = [...manifest.keys()].filter((known) => !seen.has(known));
  yield { type: 'scan-end', files: seen.size, toProcess: candidates.length, deleted: deleted.length, unchanged: seen.size - candidates.length };
  return { candidates, deleted, seen: seen.size, touched: 0 };
}

/** The text phase: reads and chunks the candidates, writes them batch by batch (no embedding), then the touched and deleted files. */
async function* textPhase(tables: RepositoryTables, cache: Table, scan: Scan, options: IndexRepositoryOptions, counts: RunCounts): AsyncGenerator<IndexEvent> {
  const touchOnly: FileRow[] = [];
  let batch: PreparedFile[] = [];
  let batchRows = 0;
  const batchChunks = options.batchChunks ?? DEFAULT_BATCH_CHUNKS;
  const write = async (): Promise<void> => {
    // Rows waiting for vectors are left in the table, not in memory: the vector phase reads them back.
    // New files are appended: this run swept the rows the manifest does not know.
    await writeTextPhase(tables, cache, options.embedder.dimension, batch, counts, true);
    batch = [];
    batchRows = 0;
  };
  for (const candidate of scan.candidates) {
    options.signal?.throwIfAborted();
    const prepared = await prepareFile(candidate, options);
    if (prepared === 'touch') touchOnly.push(touched(candidate));
    else {
      if (prepared.skip) {
        counts.skipped++;
        yield { type: 'file-skipped', path: candidate.path, ...prepared.skip };
      } else counts.changed++;
      batch.push(prepared);
      batchRows += prepared.rows.length;
    }
    counts.filesDone++;
    if (batchRows >= batchChunks) {
      await write();
      yield { type: 'batch-end', filesTotal: scan.candidates.length, ...pick(counts) };
    }
  }
  if (batch.length > 0) await write();
  await writeTouched(tables, touchOnly);
  await removeFiles(tables, scan.deleted);
  scan.touched = touchOnly.length;
  yield { type: 'batch-end', filesTotal: scan.candidates.length, ...pick(counts) };
}

const pick = (counts: BatchCounts & { filesDone: number }) => ({
  filesDone: counts.filesDone,
  chunks: counts.chunks,
  embedded: counts.embedded,
  cached: counts.cached,
});

/** Drops the tables when a rebuild is asked for or required, and records the stamp the tables will match. */
async function prepareTables(repository: RepositoryRef, options: IndexRepositoryOptions): Promise<string | undefined> {
  const meta = await readMeta(options.metaFolder, repository.repositoryId).catch((error: unknown) => {
    if (error instanceof MinionsError && error.code === 'index-corrupt') return 'damaged' as const;
    throw error;
  });
  const hasTables = await options.store.hasRepository(repository.repositoryId);
  let reason: string | undefined;
  if (options.rebuild) reason = 'a rebuild was requested';
  else if (meta === 'damaged') reason = 'its record was damaged';
  else if (meta) reason = rebuildReason(meta, options.embedder.modelId, options.embedder.dimension);
  else if (hasTables) reason = 'the index has no record of how it was built';
  const stamp = { ...repository, chunker: CHUNKER_VERSION, model: options.embedder.modelId, dimension: options.embedder.dimension, updatedAt: new Date().toISOString(), files: 0, chunks: 0 };
  if (reason === undefined) {
    // A first run stamps before it creates the tables: killed midway, the next run goes on incrementally instead of rebuilding.
    if (meta === undefined) await writeMeta(options.metaFolder, stamp);
    return undefined;
  }
  // What the rebuild needs is checked before anything is dropped: a damaged shared cache
  // would otherwise fail the run after the drop and leave an empty index.
  const damaged = await options.store.repairVectorCache(options.embedder.modelId, options.embedder.dimension);
  await options.store.dropRepository(repository.repositoryId);
  await writeMeta(options.metaFolder, stamp);
  return damaged === undefined ? reason : `${reason}; the damaged vector cache was moved to ${damaged} and started afresh`;
}

