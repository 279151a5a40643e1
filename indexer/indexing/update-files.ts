import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { MinionsError, type IndexEvent } from '../../schemas/index.js';
import { readMeta, rebuildReason, resolveRepository, type RepositoryRef } from '../repository-meta.js';
import { removeFiles } from '../store/file-writes.js';
import type { LanceStore } from '../store/lance-store.js';
import { sqlIn } from '../store/sql.js';
import type { FileRow } from '../store/rows.js';
import { prepareFile, touched, type PrepareOptions, type PreparedFile } from './prepare-file.js';
import { writeTextPhase, writeTouched, writeVectorPhase, type BatchCounts } from './write-batch.js';
import type { Embedder } from '../embedding/index.js';

/** What a live update needs. */
export interface UpdateFilesOptions extends PrepareOptions {
  store: LanceStore;
  embedder: Embedder;
  metaFolder: string;
  signal?: AbortSignal | undefined;
}

/** Counts of one live update. */
export interface UpdateSummary {
  changed: number;
  deleted: number;
  unchanged: number;
  chunks: number;
  embedded: number;
  cached: number;
}

/**
 * Brings the index up to date for some paths (relative to the repository), in two
 * phases: the files' new chunks are written first and are searchable by text at once
 * (`text-ready`), then their vectors are embedded and filled in (`vectors-ready`). A
 * path that is gone, or is no longer a regular file, leaves the index. The caller
 * decides which paths to pass (the watcher applies the ignore rules); the repository
 * must have an index built with the current chunker and this embedder. `path` is the
 * repository's folder, or the repository already resolved (the watcher passes its own).
 */
export async function* updateFiles(path: string | RepositoryRef, paths: readonly string[], options: UpdateFilesOptions): AsyncGenerator<IndexEvent, UpdateSummary> {
  const { store, embedder, signal } = options;
  const repository = typeof path === 'string' ? await resolveRepository(path) : path;
  const meta = await readMeta(options.metaFolder, repository.repositoryId);
  const stale = meta ? rebuildReason(meta, embedder.modelId, embedder.dimension) : 'it was never indexed';
  if (stale) throw new MinionsError('index-missing', `The index of ${repository.root} cannot be updated in place (${stale}); run \`minions index ${repository.root}\`.`);
  const tables = await store.repository(repository.repositoryId, embedder.dimension, false);
  const unique = [...new Set(paths)].sort();
  const known = new Map<string, FileRow>();
  for (let start = 0; start < unique.length; start += 500) {
    const rows = (await tables.files.query().where(sqlIn('path', unique.slice(start, start + 500))).toArray()) as FileRow[];
    for (const row of rows) known.set(row.path, { ...row });
  }
  const summary: UpdateSummary = { changed: 0, deleted: 0, unchanged: 0, chunks: 0, embedded: 0, cached: 0 };
  const prepared: PreparedFile[] = [];
  const touchedRows: FileRow[] = [];
  const deleted: string[] = [];
  for (const relative of unique) {
    signal?.throwIfAborted();
    const absolutePath = join(repository.root, relative);
    const info = await lstat(absolutePath).catch(() => undefined);
    const previous = known.get(relative);
    if (!info || !info.isFile()) {
      if (previous) deleted.push(relative);
      continue;
    }
    if (previous && previous.size === info.size && previous.mtime_ms === info.mtimeMs) {
      summary.unchanged++;
      continue;
    }
    const candidate = { path: relative, absolutePath, size: info.size, mtimeMs: info.mtimeMs, previous };
    const result = await prepareFile(candidate, options);
    if (result === 'touch') {
      touchedRows.push(touched(candidate));
      summary.unchanged++;
    } else prepared.push(result);
  }
  const counts: BatchCounts = { chunks: 0, embedded: 0, cached: 0 };
  const cache = await store.vectorCache(embedder.modelId, embedder.dimension);
  const pending = await writeTextPhase(tables, cache, embedder.dimension, prepared, counts);
  await writeTouched(tables, touchedRows);
  await removeFiles(tables, deleted);
  summary.changed = prepared.length;
  summary.deleted = deleted.length;
  yield { type: 'text-ready', files: prepared.length, deleted: deleted.length, chunks: counts.chunks, pending: pending.length };
  await writeVectorPhase(tables, cache, embedder, pending, counts, signal);
  Object.assign(summary, { chunks: counts.chunks, embedded: counts.embedded, cached: counts.cached });
  yield { type: 'vectors-ready', embedded: counts.embedded, cached: counts.cached };
  return summary;
}
