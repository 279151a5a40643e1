import { readdir as readdirCallback, stat as statCallback, type Dirent } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MinionsError } from '../../schemas/index.js';
import { describeFileSystemError, errorCode } from './file-system-errors.js';
import { createRuleLevel, IGNORE_FILE_NAMES, isExcludedEntry, type RuleLevel, type RuleScope } from './ignore-rules.js';
import { describeInvalidName, findInvalidNames } from './invalid-names.js';
import type { Limiter } from './limiter.js';
import { describeTooLarge } from './limits.js';
import { describeSymlink, type RepositoryRoots } from './symlinks.js';
import type { DiscoveryEntry } from './types.js';

// The callback forms cost about half of what `fs/promises` does per call
// (measured on a warm cache), and a walk makes one call per file.
const stat = promisify(statCallback);
const readdir = (path: string): Promise<Dirent[]> =>
  new Promise((resolve, reject) => {
    readdirCallback(path, { withFileTypes: true }, (error, dirents) => (error === null ? resolve(dirents) : reject(error)));
  });

/** What every directory listing of one walk shares. */
export interface WalkContext {
  readonly roots: RepositoryRoots;
  readonly maxFileBytes: number;
  readonly override: RuleLevel | undefined;
  readonly limit: Limiter;
  readonly signal: AbortSignal;
}

/** A directory to list: its path from the root (`''` for the root) and the rules of its parents. */
export interface DirectoryNode {
  readonly path: string;
  readonly absolutePath: string;
  readonly scope: RuleScope | undefined;
}

/** One child of a listed directory, in walk order: an entry to yield or a directory to enter. */
export type ListingItem =
  | { readonly key: string; readonly entry: DiscoveryEntry }
  | { readonly key: string; readonly directory: DirectoryNode };

/**
 * Lists one directory: reads its ignore files, drops ignored and always-skipped
 * children, stats regular files (and only them), describes symbolic links, and
 * returns the children sorted so that a depth-first walk yields paths in
 * code-unit order (a directory sorts as `name/`). Sockets, FIFOs and devices are
 * dropped silently; only an abort rejects.
 */
export async function listDirectory(node: DirectoryNode, context: WalkContext): Promise<ListingItem[]> {
  const dirents = await readDirectory(node, context);
  if (!Array.isArray(dirents)) return dirents.items;
  const items: ListingItem[] = [];
  const { scope, failed } = await loadScope(node, dirents, context, items);
  const invalidNames = await context.limit(() => findInvalidNames(node.absolutePath, dirents.map((dirent) => dirent.name))).catch(() => new Map<string, string>());
  const pending: Array<Promise<ListingItem | undefined>> = [];
  for (const dirent of dirents) {
    const name = dirent.name;
    const path = node.path === '' ? name : `${node.path}/${name}`;
    const absolutePath = join(node.absolutePath, name);
    const invalid = invalidNames.get(name);
    if (invalid !== undefined) {
      const kind = dirent.isDirectory() ? 'directory' : dirent.isSymbolicLink() ? 'symlink' : dirent.isFile() ? 'file' : undefined;
      if (kind === undefined || isExcludedEntry(kind, name, path, context.override, scope)) continue;
      const suffix = kind === 'directory' ? '/' : '';
      items.push({ key: `${name}${suffix}`, entry: { type: 'skipped', path: `${path}${suffix}`, reason: 'invalid-name', detail: describeInvalidName(invalid) } });
    } else if (dirent.isDirectory()) {
      if (isExcludedEntry('directory', name, path, context.override, scope)) continue;
      items.push({ key: `${name}/`, directory: { path, absolutePath, scope } });
    } else if (dirent.isSymbolicLink()) {
      if (isExcludedEntry('symlink', name, path, context.override, scope)) continue;
      pending.push(symlinkItem(name, path, absolutePath, context));
    } else if (dirent.isFile() && !failed.has(name)) {
      if (isExcludedEntry('file', name, path, context.override, scope)) continue;
      pending.push(fileItem(name, path, absolutePath, context));
    }
  }
  for (const item of await Promise.all(pending)) if (item !== undefined) items.push(item);
  return items.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
}

async function readDirectory(node: DirectoryNode, context: WalkContext): Promise<Dirent[] | { items: ListingItem[] }> {
  try {
    return await context.limit(async () => {
      context.signal.throwIfAborted();
      return readdir(node.absolutePath);
    });
  } catch (error) {
    context.signal.throwIfAborted();
    const detail = `directory could not be read: ${describeFileSystemError(error)}`;
    if (node.path === '') throw new MinionsError('unreadable', `Repository root ${node.absolutePath}: ${detail}.`, { cause: error });
    // A directory deleted during the walk is simply gone.
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { items: [] };
    // Reported as `dir/` so that it sorts where the directory's contents would have.
    return { items: [{ key: '', entry: { type: 'skipped', path: `${node.path}/`, reason: 'unreadable', detail } }] };
  }
}

/** Reads this directory's ignore files into a new scope; an unreadable one is reported, not fatal. */
async function loadScope(
  node: DirectoryNode,
  dirents: readonly Dirent[],
  context: WalkContext,
  items: ListingItem[],
): Promise<{ scope: RuleScope | undefined; failed: ReadonlySet<string> }> {
  const failed = new Set<string>();
  const present = IGNORE_FILE_NAMES.filter((name) => dirents.some((dirent) => dirent.name === name && dirent.isFile()));
  if (present.length === 0) return { scope: node.scope, failed };
  const texts: string[] = [];
  for (const name of present) {
    const path = node.path === '' ? name : `${node.path}/${name}`;
    try {
      texts.push(await context.limit(() => readFile(join(node.absolutePath, name), 'utf8')));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') continue;
      failed.add(name);
      const detail = `ignore file could not be read, so its patterns were not applied: ${describeFileSystemError(error)}`;
      items.push({ key: name, entry: { type: 'skipped', path, reason: 'unreadable', detail } });
    }
  }
  const level = createRuleLevel(node.path === '' ? '' : `${node.path}/`, texts);
  return { scope: level === undefined ? node.scope : { level, parent: node.scope }, failed };
}

async function fileItem(name: string, path: string, absolutePath: string, context: WalkContext): Promise<ListingItem | undefined> {
  try {
    const stats = await context.limit(async () => {
      context.signal.throwIfAborted();
      return stat(absolutePath);
    });
    if (!stats.isFile()) return undefined;
    if (stats.size > context.maxFileBytes) {
      return { key: name, entry: { type: 'skipped', path, reason: 'too-large', detail: describeTooLarge(stats.size, context.maxFileBytes) } };
    }
    return { key: name, entry: { type: 'file', path, absolutePath, size: stats.size, mtimeMs: stats.mtimeMs } };
  } catch (error) {
    context.signal.throwIfAborted();
    if (errorCode(error) === 'ENOENT') return undefined;
    return { key: name, entry: { type: 'skipped', path, reason: 'unreadable', detail: `file could not be read: ${describeFileSystemError(error)}` } };
  }
}

async function symlinkItem(name: string, path: string, absolutePath: string, context: WalkContext): Promise<ListingItem> {
  const detail = await context.limit(async () => {
    context.signal.throwIfAborted();
    return describeSymlink(absolutePath, context.roots);
  });
  return { key: name, entry: { type: 'skipped', path, reason: 'symlink', detail } };
}
