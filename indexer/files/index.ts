// The surface of indexer/files: which files of a repository to index, and their text.
export { ALWAYS_SKIPPED_DIRECTORIES } from './always-skipped.js';
export { classifyContent, readAndClassify } from './classify.js';
export { discoverFiles } from './discover.js';
export type { EntryKind } from './ignore-rules.js';
export { DEFAULT_MAX_FILE_BYTES } from './limits.js';
export { createPathFilter, type PathFilter, type PathFilterOptions } from './path-filter.js';
export type { ClassifyOptions, ClassifyResult, DiscoverOptions, DiscoveryEntry, ReadOptions } from './types.js';
