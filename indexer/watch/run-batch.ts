import { MinionsError, type WatchEvent } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import type { Embedder } from '../embedding/index.js';
import { listIndexedPaths } from '../indexing/indexed-paths.js';
import { updateFiles, type UpdateSummary } from '../indexing/update-files.js';
import type { RepositoryRef } from '../repository-meta.js';
import type { LanceStore } from '../store/lance-store.js';
import type { ChangeBatch } from './change-collector.js';
import type { Clock } from './clock.js';

/** Paths listed in an event at most; `files` gives the full count. */
const LISTED_PATHS = 100;

/** What a batch needs from the watcher. */
export interface BatchContext {
  root: string;
  /** The repository, resolved once by the watcher: a batch does not resolve it again. */
  repository: RepositoryRef;
  store: LanceStore;
  embedder: Embedder;
  metaFolder: string;
  signal: AbortSignal;
  /** The change collector's clock: `waitedMs` is measured on it, from the batch's `firstAt`. */
  clock: Clock;
}

/** How a batch went: whether it wrote anything, and whether the index must be reconciled first. */
export type BatchOutcome = 'empty' | 'done' | 'failed' | 'needs-reconcile';

/**
 * Indexes one batch of changes with a single `updateFiles` call: the changed paths
 * plus every indexed path under a deleted folder. Yields `watch-batch-start`, the
 * update's `text-ready` and `vectors-ready`, then `watch-batch-end` with the phase
 * durations; a failure is a `watch-error` event, not an exception (cancellation is
 * rethrown).
 */
export async function* runBatch(context: BatchContext, batch: ChangeBatch, sequence: number): AsyncGenerator<WatchEvent, BatchOutcome> {
  let paths: string[] = [];
  try {
    paths = await batchPaths(context, batch);
    if (paths.length === 0) return 'empty';
    const started = performance.now();
    yield { type: 'watch-batch-start', batch: sequence, files: paths.length, paths: paths.slice(0, LISTED_PATHS), waitedMs: context.clock.now() - batch.firstAt, at: Date.now() };
    const run = updateFiles(context.repository, paths, { store: context.store, embedder: context.embedder, metaFolder: context.metaFolder, signal: context.signal });
    let textAt = started;
    let summary: UpdateSummary;
    for (;;) {
      const step = await run.next();
      if (step.done) {
        summary = step.value;
        break;
      }
      if (step.value.type === 'text-ready') textAt = performance.now();
      yield step.value;
    }
    const ended = performance.now();
    const { changed, deleted, unchanged, chunks, embedded, cached } = summary;
    yield { type: 'watch-batch-end', batch: sequence, files: paths.length, changed, deleted, unchanged, chunks, embedded, cached, textMs: textAt - started, vectorMs: ended - textAt, totalMs: ended - started, at: Date.now() };
    return 'done';
  } catch (error) {
    if (isAbortError(error) || context.signal.aborted) throw error;
    yield errorEvent(error, paths.length > 0 ? paths : [...batch.paths]);
    return error instanceof MinionsError && (error.code === 'index-missing' || error.code === 'index-corrupt') ? 'needs-reconcile' : 'failed';
  }
}

async function batchPaths(context: BatchContext, batch: ChangeBatch): Promise<string[]> {
  const paths = new Set(batch.paths);
  for (const folder of batch.folders) {
    for (const path of await listIndexedPaths(context.root, folder, context)) paths.add(path);
  }
  return [...paths].sort();
}

/** A `watch-error` event for a failure, naming the paths it concerned. */
export function errorEvent(error: unknown, paths: readonly string[]): WatchEvent {
  const code = error instanceof MinionsError ? error.code : 'internal';
  const message = error instanceof Error ? error.message : String(error);
  return { type: 'watch-error', message, code, files: paths.length, paths: paths.slice(0, LISTED_PATHS), at: Date.now() };
}
