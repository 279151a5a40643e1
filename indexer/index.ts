export { chunkPath, type ChunkPathOptions, type ChunkPathResult } from './chunk-repository.js';
export { DEFAULT_MAX_TOKENS, chunkText, embeddingText, estimateTokens, languageForPath, languages, type ChunkOptions, type ChunkedFile } from './chunk/index.js';
export { discoverFiles, readAndClassify } from './files/index.js';
