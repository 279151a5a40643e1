import type { Embedder } from '../embedding/index.js';
import { resolveRepository } from '../repository-meta.js';
import { optimizeRepository } from '../store/optimize.js';
import type { LanceStore } from '../store/lance-store.js';

/**
 * Merges recent writes into the full-text index, compacts and drops old table versions
 * of a repository and of the shared vector cache. Live updates call it now and then (not per batch: it rewrites files).
 */
export async function optimizeIndex(path: string, store: LanceStore, embedder: Pick<Embedder, 'dimension' | 'modelId'>): Promise<void> {
  const repository = await resolveRepository(path);
  const tables = await store.repository(repository.repositoryId, embedder.dimension, false);
  await optimizeRepository(tables, await store.vectorCache(embedder.modelId, embedder.dimension));
}
