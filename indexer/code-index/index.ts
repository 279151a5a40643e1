export { lazyEmbedder, type EmbedderProvider } from './embedder-provider.js';
export { openIndex, type CodeIndex, type OpenIndexOptions } from './open-index.js';
export { DEFAULT_QUERY_BATCH, batchQueryEmbeddings, batchedQueries, type QueryBatchOptions } from './query-embedding-batcher.js';
export { DEFAULT_K, answerQuery, type QueryAnswer, type QueryOptions, type RepositoryQuery } from './query-policy.js';
export { RepositoryIndex, type IndexLog, type IndexOptions, type WatchOptions, type WriteLockOptions } from './repository-index.js';
export { enclosingIndexedRepository, indexedRepositories } from './indexed-repositories.js';
export { forgetRepository, listIndexedRepositories, type ForgottenRepository, type IndexedRepository } from './housekeeping.js';
