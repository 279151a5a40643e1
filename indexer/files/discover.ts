import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MinionsError } from '../../schemas/index.js';
import { errorCode } from './file-system-errors.js';
import { createRuleLevel, readRepositoryExclude, type RuleScope } from './ignore-rules.js';
import { createLimiter } from './limiter.js';
import { resolveMaxFileBytes } from './limits.js';
import { listDirectory, type DirectoryNode, type ListingItem, type WalkContext } from './list-directory.js';
import { ListingScheduler } from './listing-scheduler.js';
import type { DiscoverOptions, DiscoveryEntry } from './types.js';

export type { DiscoverOptions, DiscoveryEntry } from './types.js';

/** File-system calls in flight at once; enough to keep libuv's thread pool busy. */
const FILE_SYSTEM_CONCURRENCY = 32;
/** Directories listed ahead of the walker at most. */
const PREFETCH_DIRECTORIES = 512;

interface Frame {
  readonly items: readonly ListingItem[];
  next: number;
}

/**
 * Walks a repository and yields every file worth indexing, plus the paths it
 * passed over and why ('symlink', 'too-large', 'unreadable'), sorted by path.
 * Honours `.gitignore` and `.minionsignore` at every level and the repository's
 * `info/exclude`, never enters always-skipped or ignored directories, and never
 * follows symbolic links. Throws `MinionsError('not-found')` when the root is
 * missing or not a directory, and the signal's reason when aborted.
 */
export async function* discoverFiles(root: string, options: DiscoverOptions = {}): AsyncGenerator<DiscoveryEntry> {
  const { signal } = options;
  signal?.throwIfAborted();
  // Stops queued file-system calls when the consumer stops early (`break`), not only on abort.
  const stopped = new AbortController();
  const walkSignal = signal === undefined ? stopped.signal : AbortSignal.any([signal, stopped.signal]);
  const { context, rootNode } = await prepareWalk(root, options.maxFileBytes, options.extraIgnore, walkSignal);
  const scheduler = new ListingScheduler((node) => listDirectory(node, context), PREFETCH_DIRECTORIES);
  try {
    const stack: Frame[] = [{ items: await scheduler.take(rootNode), next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      const item = frame?.items[frame.next];
      if (frame === undefined || item === undefined) {
        stack.pop();
        scheduler.release();
        continue;
      }
      frame.next += 1;
      signal?.throwIfAborted();
      if ('entry' in item) yield item.entry;
      else stack.push({ items: await scheduler.take(item.directory), next: 0 });
    }
  } finally {
    scheduler.close();
    stopped.abort();
  }
}

async function prepareWalk(
  root: string,
  maxFileBytesOption: number | undefined,
  extraIgnore: readonly string[] | undefined,
  signal: AbortSignal,
): Promise<{ context: WalkContext; rootNode: DirectoryNode }> {
  const maxFileBytes = resolveMaxFileBytes(maxFileBytesOption);
  const absoluteRoot = resolve(root);
  await assertDirectory(absoluteRoot);
  const realRoot = await realpath(absoluteRoot);
  const exclude = createRuleLevel('', [await readRepositoryExclude(absoluteRoot)]);
  const scope: RuleScope | undefined = exclude === undefined ? undefined : { level: exclude, parent: undefined };
  const context: WalkContext = {
    roots: { root: absoluteRoot, realRoot },
    maxFileBytes,
    override: createRuleLevel('', [(extraIgnore ?? []).join('\n')]),
    limit: createLimiter(FILE_SYSTEM_CONCURRENCY),
    signal,
  };
  return { context, rootNode: { path: '', absolutePath: absoluteRoot, scope } };
}

async function assertDirectory(root: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(root)).isDirectory();
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new MinionsError('not-found', `Repository root does not exist: ${root}`, { cause: error });
    }
    throw new MinionsError('unreadable', `Repository root cannot be read: ${root} (${code ?? 'unknown error'})`, { cause: error });
  }
  if (!isDirectory) throw new MinionsError('not-found', `Repository root is not a directory: ${root}`);
}
