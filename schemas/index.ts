export { Chunk, ChunkKind, LanguageId, SkipReason, SkippedFile } from './chunk.js';
export { MinionsError, isAbortError, type ErrorCode } from './errors.js';
