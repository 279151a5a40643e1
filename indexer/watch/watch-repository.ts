import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { ReconcileReason, WatchEvent } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import type { Embedder } from '../embedding/index.js';
import { createPathFilter, type PathFilter } from '../files/index.js';
import { excludedFolderPatterns } from '../indexing/excluded-folders.js';
import { indexRepository } from '../indexing/index-repository.js';
import { optimizeIndex } from '../indexing/optimize.js';
import { resolveRepository, type RepositoryRef } from '../repository-meta.js';
import type { LanceStore } from '../store/lance-store.js';
import { ChangeCollector, type ChangeBatch } from './change-collector.js';
import { systemClock, type Clock } from './clock.js';
import { startFileWatcher, type FileWatcher } from './file-watcher.js';
import { errorEvent, runBatch, type BatchContext } from './run-batch.js';

/** What a watcher needs, and how it batches. */
export interface WatchRepositoryOptions {
  store: LanceStore;
  embedder: Embedder;
  metaFolder: string;
  /** Stops the watcher; the event stream then ends without an error. */
  signal: AbortSignal;
  /** A batch starts after this long without a change (default 75 ms). */
  debounceMs?: number | undefined;
  /** ... or this long after its first change, whatever keeps coming (default 1 s). */
  maxWaitMs?: number | undefined;
  /** The index is optimised after this many batches (default 25) ... */
  optimizeEvery?: number | undefined;
  /** ... or once this long has passed with no change after a batch (default 5 s). */
  optimizeAfterMs?: number | undefined;
  /** Times the debounce, max wait, settle rechecks and the quiet before optimising (default `systemClock`). */
  clock?: Clock | undefined;
  /** Folders (real, absolute) never indexed even when inside the repository: the data directory. */
  exclude?: readonly string[] | undefined;
}

/**
 * Keeps a repository's index fresh while its files change. First reconciles the
 * index with the disk (`indexRepository`, incremental), then watches the files
 * discovery would index and turns bursts of changes into few batches, each one
 * `updateFiles` call: searchable by text first, vectors after. An ignore file that
 * changes reloads the rules and reconciles again. Ends when the signal aborts (no
 * error) or when the repository root is deleted or moved (`repository-missing`);
 * a failed batch is a `watch-error` event and watching goes on.
 */
export async function* watchRepository(path: string | RepositoryRef, options: WatchRepositoryOptions): AsyncGenerator<WatchEvent, void> {
  if (options.signal.aborted) return;
  const repository = typeof path === 'string' ? await resolveRepository(path) : path;
  const identity = await stat(repository.root);
  const changes = new ChangeCollector({ debounceMs: options.debounceMs ?? 75, maxWaitMs: options.maxWaitMs ?? 1000, clock: options.clock });
  const session = new WatchSession(repository, identity, await createPathFilter(repository.root, { extraIgnore: excludedFolderPatterns(repository.root, options.exclude ?? []) }), changes, options);
  try {
    yield* session.run();
  } catch (error) {
    if (options.signal.aborted && isAbortError(error)) return;
    throw error;
  } finally {
    changes.close();
    await session.close();
  }
}

class WatchSession {
  private watcher: FileWatcher | undefined;
  private batches = 0;
  private unoptimized = 0;
  private readonly context: BatchContext;

  constructor(
    private readonly repository: RepositoryRef,
    private readonly identity: Stats,
    private readonly filter: PathFilter,
    private readonly changes: ChangeCollector,
    private readonly options: WatchRepositoryOptions,
  ) {
    this.context = { root: repository.root, repository, store: options.store, embedder: options.embedder, metaFolder: options.metaFolder, signal: options.signal, clock: options.clock ?? systemClock };
  }

  async *run(): AsyncGenerator<WatchEvent, void> {
    const { signal } = this.options;
    this.watcher = await startFileWatcher(this.filter, this.changes, signal);
    const files = yield* this.reconcile('startup');
    yield { type: 'watch-ready', repositoryId: this.repository.repositoryId, root: this.repository.root, files: files ?? 0, at: Date.now() };
    for (;;) {
      const next = await this.changes.next(signal, this.unoptimized > 0 ? (this.options.optimizeAfterMs ?? 5000) : undefined);
      if (next === undefined) return;
      if (next === 'idle') {
        yield* this.optimize();
        continue;
      }
      if (!(await this.rootIsHere())) {
        yield { type: 'repository-missing', root: this.repository.root, message: `${this.repository.root} was deleted or moved; stopped watching it.`, at: Date.now() };
        return;
      }
      for (const error of next.errors) yield errorEvent(error, []);
      yield* this.process(next);
    }
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    this.watcher = undefined;
  }

  private async *process(batch: ChangeBatch): AsyncGenerator<WatchEvent, void> {
    if (batch.rulesChanged) {
      // chokidar never entered the folders the old rules excluded: start it again on the new rules.
      await this.close();
      await this.filter.reload();
      this.watcher = await startFileWatcher(this.filter, this.changes, this.options.signal);
      yield* this.reconcile('ignore-rules-changed');
      return;
    }
    const outcome = yield* runBatch(this.context, batch, this.batches + 1);
    if (outcome === 'empty') return;
    this.batches += 1;
    this.unoptimized += 1;
    if (outcome === 'needs-reconcile') yield* this.reconcile('index-missing');
    else if (this.unoptimized >= (this.options.optimizeEvery ?? 25)) yield* this.optimize();
  }

  /** A full incremental pass, forwarding its events; returns the files indexed. Fails only at startup. */
  private async *reconcile(reason: ReconcileReason): AsyncGenerator<WatchEvent, number | undefined> {
    const { store, embedder, metaFolder, signal } = this.options;
    yield { type: 'watch-reconcile', reason, at: Date.now() };
    try {
      let files: number | undefined;
      for await (const event of indexRepository(this.repository, { store, embedder, metaFolder, signal, exclude: this.options.exclude })) {
        if (event.type === 'index-end') files = event.summary.files;
        yield event;
      }
      // indexRepository optimises at its end.
      this.unoptimized = 0;
      return files;
    } catch (error) {
      if (reason === 'startup' || isAbortError(error) || signal.aborted) throw error;
      yield errorEvent(error, []);
      return undefined;
    }
  }

  private async *optimize(): AsyncGenerator<WatchEvent, void> {
    const started = performance.now();
    const batches = this.unoptimized;
    this.unoptimized = 0;
    try {
      await optimizeIndex(this.repository.root, this.options.store, this.options.embedder);
      yield { type: 'watch-optimized', batches, ms: performance.now() - started, at: Date.now() };
    } catch (error) {
      if (isAbortError(error) || this.options.signal.aborted) throw error;
      yield errorEvent(error, []);
    }
  }

  /** Whether the root is still the folder the watcher started on (not deleted, moved or replaced). */
  private async rootIsHere(): Promise<boolean> {
    const now = await stat(this.repository.root).catch(() => undefined);
    return now !== undefined && now.isDirectory() && now.ino === this.identity.ino && now.dev === this.identity.dev;
  }
}
