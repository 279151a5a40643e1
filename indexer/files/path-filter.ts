import { lstatSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRuleLevel, IGNORE_FILE_NAMES, isExcludedEntry, readRepositoryExclude, repositoryExcludePath, type EntryKind, type RuleLevel, type RuleScope } from './ignore-rules.js';

/** Options of `createPathFilter`; the same meaning as in `discoverFiles`. */
export interface PathFilterOptions {
  /** Extra gitignore-style patterns, relative to the root, that win over every ignore file. */
  extraIgnore?: readonly string[] | undefined;
}

/**
 * Discovery's rules as a synchronous test on one path, for a file watcher that
 * must decide on each event without walking the tree. Ignore files are read
 * lazily, once per directory, and kept until `reload`.
 */
export interface PathFilter {
  /** The repository root, resolved. */
  readonly root: string;
  /** The repository's `info/exclude` (absolute; it may not exist), or undefined outside git. */
  readonly excludeFile: string | undefined;
  /**
   * True when discovery would not yield `path` (relative, `/`-separated) as a file
   * to index, or would not enter it as a directory: ignored, under an ignored or
   * always-skipped directory, a `.git` file, or a symbolic link. With `kind`
   * unknown, true only when the path is excluded whatever it turns out to be.
   */
  excludes(path: string, kind?: EntryKind): boolean;
  /** Whether `path` is an ignore file, whose change alters the rules. */
  isRuleFile(path: string): boolean;
  /** Forgets every ignore file read so far and reads `info/exclude` again. */
  reload(): Promise<void>;
}

interface DirectoryState {
  readonly excluded: boolean;
  readonly scope: RuleScope | undefined;
}

const EXCLUDED: DirectoryState = { excluded: true, scope: undefined };

/** Builds the path filter of a repository (reads `info/exclude` now, the rest on demand). */
export async function createPathFilter(root: string, options: PathFilterOptions = {}): Promise<PathFilter> {
  const absoluteRoot = resolve(root);
  const override = createRuleLevel('', [(options.extraIgnore ?? []).join('\n')]);
  const directories = new Map<string, DirectoryState>();
  let rootScope: RuleScope | undefined;
  const load = async (): Promise<void> => {
    const exclude = createRuleLevel('', [await readRepositoryExclude(absoluteRoot)]);
    rootScope = exclude === undefined ? undefined : { level: exclude, parent: undefined };
    directories.clear();
  };
  await load();

  const directoryState = (path: string): DirectoryState => {
    const known = directories.get(path);
    if (known !== undefined) return known;
    if (path === '') return remember(directories, '', { excluded: false, scope: readScope(absoluteRoot, '', rootScope) });
    const { parent, name } = splitPath(path);
    const above = directoryState(parent);
    // Below an excluded directory nothing is cached: a watcher never sees those paths twice.
    if (above.excluded) return EXCLUDED;
    if (isExcludedEntry('directory', name, path, override, above.scope)) return remember(directories, path, EXCLUDED);
    return remember(directories, path, { excluded: false, scope: readScope(absoluteRoot, path, above.scope) });
  };

  return {
    root: absoluteRoot,
    excludeFile: await repositoryExcludePath(absoluteRoot),
    excludes(path, kind) {
      if (path === '') return false;
      const { parent, name } = splitPath(path);
      const above = directoryState(parent);
      if (above.excluded || kind === 'symlink') return true;
      if (kind !== undefined) return isExcludedEntry(kind, name, path, override, above.scope);
      return isExcludedEntry('file', name, path, override, above.scope) && isExcludedEntry('directory', name, path, override, above.scope);
    },
    isRuleFile: (path) => IGNORE_FILE_NAMES.includes(splitPath(path).name),
    reload: load,
  };
}

function remember(directories: Map<string, DirectoryState>, path: string, state: DirectoryState): DirectoryState {
  directories.set(path, state);
  return state;
}

function splitPath(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf('/');
  return slash === -1 ? { parent: '', name: path } : { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** The scope in force inside a directory: its own ignore files (regular files only, as in discovery) over its parent's. */
function readScope(root: string, path: string, parent: RuleScope | undefined): RuleScope | undefined {
  const texts: string[] = [];
  for (const name of IGNORE_FILE_NAMES) {
    const text = readIgnoreFile(join(root, path, name));
    if (text !== undefined) texts.push(text);
  }
  const level: RuleLevel | undefined = createRuleLevel(path === '' ? '' : `${path}/`, texts);
  return level === undefined ? parent : { level, parent };
}

function readIgnoreFile(absolutePath: string): string | undefined {
  try {
    return lstatSync(absolutePath, { throwIfNoEntry: false })?.isFile() ? readFileSync(absolutePath, 'utf8') : undefined;
  } catch {
    // Unreadable: discovery reports it and applies none of its patterns; so does the filter.
    return undefined;
  }
}
