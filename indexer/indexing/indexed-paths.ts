import type { Embedder } from '../embedding/index.js';
import { resolveRepository } from '../repository-meta.js';
import type { LanceStore } from '../store/lance-store.js';
import { sqlPrefix } from '../store/sql.js';

/**
 * The paths a repository's manifest holds under a folder (`src/lib` lists `src/lib/a.ts`
 * and `src/lib/deep/b.ts`, not `src/library.ts`), sorted; `''` lists every path. The
 * watcher uses it when a folder is deleted or renamed: the index, not the file
 * system, knows what was inside.
 */
export async function listIndexedPaths(path: string, folder: string, options: { store: LanceStore; embedder: Pick<Embedder, 'dimension'> }): Promise<string[]> {
  const repository = await resolveRepository(path);
  const tables = await options.store.repository(repository.repositoryId, options.embedder.dimension, false);
  const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
  const query = tables.files.query().select(['path']);
  const rows = (await (prefix === '' ? query : query.where(sqlPrefix('path', prefix))).toArray()) as { path: string }[];
  return rows.map((row) => row.path).sort();
}
