import { MinionsError, type QueryRequest, type QueryResult } from '../schemas/index.js';
import { isAbortError } from '../platform/index.js';
import type { Embedder } from './embedding/index.js';
import { readMeta, resolveRepository } from './repository-meta.js';
import { searchChunks, type RankingOptions } from './search/search.js';
import { corrupt, type LanceStore } from './store/lance-store.js';

/** What a query needs besides the request: the store, the meta folder and, for vector and hybrid modes, the embedder. */
export interface QueryRepositoryOptions {
  store: LanceStore;
  metaFolder: string;
  /** Needed for `vector` and `hybrid`; must be the model the index was built with. */
  embedder?: Embedder;
  ranking?: Partial<RankingOptions>;
  signal?: AbortSignal;
}

/**
 * Answers a query over a repository's index. A repository never indexed is
 * `index-missing` (naming the command that builds it); an index whose tables are
 * gone or unreadable is `index-corrupt` (naming the command that rebuilds it), never
 * an empty answer.
 */
export async function queryRepository(request: QueryRequest, options: QueryRepositoryOptions): Promise<QueryResult[]> {
  const repository = await resolveRepository(request.repo);
  const rebuild = `minions index ${repository.root} --rebuild`;
  const meta = await readMeta(options.metaFolder, repository.repositoryId);
  if (!meta) throw new MinionsError('index-missing', `${repository.root} has no index yet. Build it with \`minions index ${repository.root}\`.`);
  const mode = request.mode ?? 'hybrid';
  if (mode !== 'text' && options.embedder && options.embedder.modelId !== meta.model) {
    throw new MinionsError('invalid-argument', `The index of ${repository.root} was built with ${meta.model}, not ${options.embedder.modelId}; query with that model or rebuild with \`${rebuild}\`.`);
  }
  try {
    if (!(await options.store.hasRepository(repository.repositoryId))) throw new Error('its tables are missing');
    const tables = await options.store.repository(repository.repositoryId, meta.dimension, false);
    const rows = await tables.chunks.countRows();
    if (rows === 0 && meta.chunks > 0) throw new Error(`it holds no chunks but was built with ${meta.chunks}`);
    return await searchChunks(tables, options.embedder, { query: request.query, k: request.k ?? 10, mode, filters: request.filters, ...(options.ranking ? { ranking: options.ranking } : {}), signal: options.signal });
  } catch (error) {
    if (error instanceof MinionsError || isAbortError(error)) throw error;
    throw corrupt(`of ${repository.root}`, error, rebuild);
  }
}
