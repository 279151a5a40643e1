import type { QueryRequest, QueryResult } from '../schemas/index.js';
import { answerQuery } from './code-index/query-policy.js';
import type { Embedder } from './embedding/index.js';
import { readMeta, resolveRepository } from './repository-meta.js';
import type { RankingOptions } from './search/search.js';
import type { LanceStore } from './store/lance-store.js';

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
 * Answers one query over a repository's index from a path, opening its tables for
 * this query only (scripts and tests; long-lived callers use `openIndex` handles).
 * The policy is the handles' (`answerQuery`): missing and corrupt indexes are errors
 * naming the command that fixes them, and a mode needing vectors needs the index's model.
 */
export async function queryRepository(request: QueryRequest, options: QueryRepositoryOptions): Promise<QueryResult[]> {
  const repository = await resolveRepository(request.repo);
  const source = {
    root: repository.root,
    meta: () => readMeta(options.metaFolder, repository.repositoryId),
    tables: async (meta: { dimension: number }) => {
      if (!(await options.store.hasRepository(repository.repositoryId))) throw new Error('its tables are missing');
      return options.store.repository(repository.repositoryId, meta.dimension, false);
    },
    embedder: async () => options.embedder,
  };
  // An explicit default keeps this entry's contract: a request without a mode is hybrid.
  const answer = await answerQuery(source, { ...request, mode: request.mode ?? 'hybrid' }, { signal: options.signal, ranking: options.ranking });
  return answer.results;
}
