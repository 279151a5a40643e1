export { chunkPath, type ChunkPathOptions, type ChunkPathResult } from './chunk-repository.js';
export { DEFAULT_MAX_CHUNKS, DEFAULT_MAX_TOKENS, chunkText, embeddingText, estimateTokens, languageForPath, languages, type ChunkOptions, type ChunkedFile } from './chunk/index.js';
export {
  createDefaultEmbedder,
  createOllamaEmbedder,
  createTransformersEmbedder,
  createWorkerEmbedder,
  defaultThreads,
  ensureMiniLmModel,
  type Embedder,
  type EmbedOptions,
  type EncoderPrecision,
} from './embedding/index.js';
export { RepositoryIndex, lazyEmbedder, openIndex, type CodeIndex, type EmbedderProvider, type IndexLog, type IndexOptions, type OpenIndexOptions, type QueryAnswer, type QueryOptions, type RepositoryQuery, type WatchOptions, type WriteLockOptions } from './code-index/index.js';
export { DEFAULT_QUERY_BATCH, batchQueryEmbeddings, batchedQueries, type QueryBatchOptions } from './code-index/index.js';
export { discoverFiles, readAndClassify } from './files/index.js';
export { indexRepository, type IndexRepositoryOptions } from './indexing/index-repository.js';
export { updateFiles, type UpdateFilesOptions, type UpdateSummary } from './indexing/update-files.js';
export { EMBED_TEXTS_PER_CALL } from './indexing/write-batch.js';
export { optimizeIndex } from './indexing/optimize.js';
export { queryRepository, type QueryRepositoryOptions } from './query-repository.js';
export { CHUNKER_VERSION, resolveRepository, type RepositoryMeta, type RepositoryRef } from './repository-meta.js';
export { defaultRanking, type RankingOptions } from './search/search.js';
export { searchText } from './search/search-text.js';
export { LanceStore } from './store/lance-store.js';
export { listIndexedPaths } from './indexing/indexed-paths.js';
export { watchRepository, type WatchRepositoryOptions } from './watch/watch-repository.js';
export { systemClock, type CancelTimer, type Clock } from './watch/clock.js';
export { createPathFilter, type PathFilter } from './files/index.js';
export type { FileGraph, GraphDefinition, GraphReference } from './graph/file-graph.js';
export type { ExtractedReference, FileSymbols, RawImport } from './graph/extract-tags.js';
export { DEFAULT_REFERENCE_LIMIT } from './graph/read-graph.js';
export { buildRepoMap, repoMapOf, type RepoMapOptions } from './graph/repo-map.js';
export { analyseGraph, analysedGraph, type GraphSignals, type RepoGraph } from './graph/repo-graph.js';
export { pageRank, type PageRankOptions, type PageRankResult, type WeightedEdge } from './graph/pagerank.js';
