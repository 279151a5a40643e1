import type { Stats } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import type { FSWatcher } from 'chokidar';
import type { EntryKind, PathFilter } from '../files/index.js';
import type { ChangeCollector } from './change-collector.js';

/** A running chokidar watcher over one repository. */
export interface FileWatcher {
  close(): Promise<void>;
}

/**
 * Starts chokidar on the repository root and resolves once its initial scan is done
 * (`ignoreInitial`: files already there are the reconciliation's business). Paths
 * the filter excludes are never watched, so a package install into `node_modules`
 * costs nothing. No polling, no `awaitWriteFinish` (it holds every event for its
 * stability threshold) and no `atomic` (it delays deletions by 100 ms): the batch
 * debounce already coalesces an editor's write-to-temporary-then-rename, and
 * `updateFiles` looks at each path as it is when the batch runs.
 */
export async function startFileWatcher(filter: PathFilter, changes: ChangeCollector, signal: AbortSignal): Promise<FileWatcher> {
  const root = filter.root;
  // Loaded here, not at the top: only watching processes need chokidar.
  const { watch } = await import('chokidar');
  const watcher = watch(root, {
    ignoreInitial: true,
    followSymlinks: false,
    atomic: false,
    persistent: true,
    ignored: (absolutePath: string, stats?: Stats) => {
      if (absolutePath === filter.excludeFile) return false;
      const path = relativePath(root, absolutePath);
      // Only the `info/exclude` watch reaches outside the root (a worktree's git folder).
      if (path === undefined) return false;
      const kind = stats === undefined ? undefined : entryKind(stats);
      return kind === 'other' || filter.excludes(path, kind);
    },
  });
  const onFile = (absolutePath: string): void => {
    const path = relativePath(root, absolutePath);
    if (absolutePath === filter.excludeFile || (path !== undefined && filter.isRuleFile(path))) changes.rulesChanged();
    else if (path !== undefined && !filter.excludes(path, 'file')) changes.addPath(path);
  };
  watcher.on('add', onFile).on('change', onFile).on('unlink', onFile);
  watcher.on('unlinkDir', (absolutePath) => {
    const path = relativePath(root, absolutePath);
    if (path === '') changes.rootChanged();
    else if (path !== undefined) changes.addFolder(path);
  });
  watcher.on('error', (error) => changes.addError(error instanceof Error ? error : new Error(String(error))));
  try {
    await ready(watcher, signal);
    if (filter.excludeFile !== undefined) watcher.add(filter.excludeFile);
  } catch (error) {
    await watcher.close();
    throw error;
  }
  return { close: () => watcher.close() };
}

function ready(watcher: FSWatcher, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new DOMException('The watcher was stopped.', 'AbortError'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    watcher.once('ready', () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function entryKind(stats: Stats): EntryKind | 'other' {
  if (stats.isSymbolicLink()) return 'symlink';
  if (stats.isDirectory()) return 'directory';
  return stats.isFile() ? 'file' : 'other';
}

/** `absolutePath` relative to `root` with `/` separators (`''` for the root), or undefined outside it. */
function relativePath(root: string, absolutePath: string): string | undefined {
  const path = relative(root, absolutePath);
  if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) return undefined;
  return sep === '/' ? path : path.split(sep).join('/');
}
