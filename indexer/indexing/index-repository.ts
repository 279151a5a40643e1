import { MinionsError, type IndexEvent, type IndexSummary } from '../../schemas/index.js';
import type { ChunkOptions } from '../chunk/index.js';
import type { Embedder } from '../embedding/index.js';
import { discoverFiles } from '../files/index.js';
import { CHUNKER_VERSION, readMeta, rebuildReason, resolveRepository, writeMeta, type RepositoryRef } from '../repository-meta.js';
import { optimizeRepository, readManifest, removeFiles, sweepOrphans, type LanceStore } from '../store/lance-store.js';
import type { FileRow } from '../store/rows.js';
import { excludedFolderPatterns } from './excluded-folders.js';
import { prepareFile, touched, type Candidate, type PreparedFile } from './prepare-file.js';
import { readPendingRows, writeBatch, writeTouched, writeVectorPhase, type BatchCounts } from './write-batch.js';

/** What `indexRepository` needs: the store, the embedder, where meta files live, and limits. */
export interface IndexRepositoryOptions {
  store: LanceStore;
  embedder: Embedder;
  /** Folder of the per-repository meta files. */
  metaFolder: string;
  signal?: AbortSignal;
  /** Drop the repository's index and build it again. */
  rebuild?: boolean;
  /** Chunks written per batch (one chunk-table version and one manifest version per batch). */
  batchChunks?: number;
  maxFileBytes?: number;
  chunk?: ChunkOptions;
  /** Folders (real, absolute) never indexed even when inside the repository: the data directory. */
  exclude?: readonly string[] | undefined;
}

/**
 * Indexes a repository incrementally and yields progress. Unchanged files (same
 * size and mtime, or same content hash) are neither parsed nor embedded; changed
 * files are re-chunked and only chunk texts never embedded before under this model
 * are sent to the embedder (the vector cache is shared by all repositories); files
 * gone from disk leave the index. A chunker or model change rebuilds, and says so.
 * `path` is a folder, or a repository already resolved (`RepositoryIndex` passes its own).
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
  const counts = { changed: 0, embedded: 0, cached: 0, chunks: 0, filesDone: 0 };
  // Rows a killed live update left without vectors get them first.
  await writeVectorPhase(tables, cache, embedder, await readPendingRows(tables), counts, signal);

  const candidates: Candidate[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  const extraIgnore = excludedFolderPatterns(repository.root, options.exclude ?? []);
  for await (const entry of discoverFiles(repository.root, { ...(signal ? { signal } : {}), ...(options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {}), ...(extraIgnore.length > 0 ? { extraIgnore } : {}) })) {
    if (entry.type === 'skipped') {
      skipped++;
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

  const touchOnly: FileRow[] = [];
  let batch: PreparedFile[] = [];
  const batchChunks = options.batchChunks ?? 128;
  for (const candidate of candidates) {
    signal?.throwIfAborted();
    const prepared = await prepareFile(candidate, options);
    if (prepared === 'touch') touchOnly.push(touched(candidate));
    else {
      if (prepared.skip) {
        skipped++;
        yield { type: 'file-skipped', path: candidate.path, ...prepared.skip };
      } else counts.changed++;
      batch.push(prepared);
    }
    counts.filesDone++;
    if (batch.reduce((sum, file) => sum + file.rows.length, 0) >= batchChunks) {
      await writeBatch(tables, cache, embedder, batch, counts, signal);
      batch = [];
      yield { type: 'batch-end', filesTotal: candidates.length, ...pick(counts) };
    }
  }
  if (batch.length > 0) await writeBatch(tables, cache, embedder, batch, counts, signal);
  await writeTouched(tables, touchOnly);
  await removeFiles(tables, deleted);
  yield { type: 'batch-end', filesTotal: candidates.length, ...pick(counts) };
  await optimizeRepository(tables, cache);

  const files = await tables.files.countRows("skipped = ''");
  const chunks = await tables.chunks.countRows();
  await writeMeta(options.metaFolder, { ...repository, chunker: CHUNKER_VERSION, model: embedder.modelId, dimension: embedder.dimension, updatedAt: new Date().toISOString(), files, chunks });
  const summary: IndexSummary = {
    ...repository,
    files,
    chunks,
    changed: counts.changed,
    deleted: deleted.length,
    unchanged: seen.size - candidates.length + touchOnly.length,
    skipped,
    embedded: counts.embedded,
    cached: counts.cached,
    seconds: (performance.now() - started) / 1000,
  };
  if (rebuilt) summary.rebuilt = rebuilt;
  yield { type: 'index-end', summary };
  return summary;
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

