import type { LanceStore } from './store/lance-store.js';

/**
 * The files and chunks a repository's index holds now, live updates included (its
 * meta file has the counts of the last full pass only). A repository without tables
 * is `index-missing`.
 */
export async function indexSize(repositoryId: string, options: { store: LanceStore; dimension: number }): Promise<{ files: number; chunks: number }> {
  const tables = await options.store.repository(repositoryId, options.dimension, false);
  return { files: await tables.files.countRows("skipped = ''"), chunks: await tables.chunks.countRows() };
}
