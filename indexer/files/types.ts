import type { SkipReason } from '../../schemas/index.js';

/**
 * One result of file discovery: a regular file to read, or a path discovery
 * passed over with a reason a user can act on. Ignored paths yield nothing.
 */
export type DiscoveryEntry =
  | {
      type: 'file';
      /** Relative to the repository root, with `/` separators. */
      path: string;
      absolutePath: string;
      size: number;
      mtimeMs: number;
    }
  | { type: 'skipped'; path: string; reason: SkipReason; detail: string };

/** Options of `discoverFiles`. */
export interface DiscoverOptions {
  signal?: AbortSignal | undefined;
  /** Files over this many bytes are reported as 'too-large'; default 1 MiB. */
  maxFileBytes?: number | undefined;
  /** Extra gitignore-style patterns, relative to the root, that win over every ignore file. */
  extraIgnore?: readonly string[] | undefined;
}

/** The verdict on a file's content: its text, or why it is not indexed. */
export type ClassifyResult = { ok: true; text: string } | { ok: false; reason: SkipReason; detail: string };

/** Options of `classifyContent`. */
export interface ClassifyOptions {
  /** Content over this many bytes is 'too-large'; default 1 MiB. */
  maxFileBytes?: number | undefined;
}

/** Options of `readAndClassify`. */
export interface ReadOptions extends ClassifyOptions {
  signal?: AbortSignal | undefined;
}
