import type { Repository, WatchEvent } from '../../../schemas/index.js';

/** What the registry must do after an event, besides the state change. */
export type EventFollowUp = 'none' | 'ready' | 'refresh-counts' | 'stopped';

/**
 * Applies an indexing or watcher event to a repository's API state (in place): the
 * progress of a pass, the sizes at its end, and the status. The startup pass ends
 * with `index-end` (no watcher) or `watch-ready`; later passes and batches keep the
 * index queryable, so they only move the counts.
 */
export function applyRepositoryEvent(state: Repository, event: WatchEvent): EventFollowUp {
  const { progress } = state;
  switch (event.type) {
    case 'scan-end':
      Object.assign(progress, { filesDone: 0, filesTotal: event.toProcess, chunks: 0, embedded: 0, cached: 0 });
      return 'none';
    case 'batch-end':
      Object.assign(progress, { filesDone: event.filesDone, filesTotal: event.filesTotal, chunks: event.chunks, embedded: event.embedded, cached: event.cached });
      return 'none';
    case 'text-end':
      // Searchable by text from here on: queries answer while the vector phase embeds.
      Object.assign(state, { chunks: event.chunks, indexedAt: state.indexedAt ?? new Date().toISOString() });
      return 'none';
    case 'vectors-progress':
      Object.assign(progress, { embedded: event.embedded, cached: event.cached });
      return 'none';
    case 'index-end':
      Object.assign(state, { files: event.summary.files, chunks: event.summary.chunks, indexedAt: new Date().toISOString() });
      if (state.status === 'indexing' && state.watching) state.status = 'ready';
      return 'none';
    case 'watch-reconcile':
      if (event.reason !== 'startup') state.status = 'indexing';
      return 'none';
    case 'watch-ready':
      state.status = 'ready';
      delete state.error;
      return 'ready';
    case 'watch-batch-end':
      delete state.error;
      return 'refresh-counts';
    case 'watch-error':
      state.error = event.message;
      return 'none';
    case 'repository-missing':
      Object.assign(state, { status: 'error', error: event.message, watching: false });
      return 'stopped';
    default:
      return 'none';
  }
}
