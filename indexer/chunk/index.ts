export { embeddingText } from './assemble.js';
export { chunkText, DEFAULT_MAX_CHUNKS, type ChunkOptions, type ChunkedFile } from './chunk-source.js';
export type { LanguageSpec, SymbolRule } from './language-spec.js';
export { languageForPath, languages } from './languages/index.js';
export { DEFAULT_MAX_TOKENS, estimateTokens } from './tokens.js';
