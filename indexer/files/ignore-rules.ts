import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ignore from 'ignore';
import { ALWAYS_SKIPPED_DIRECTORIES } from './always-skipped.js';

/** Per-directory ignore files, read in this order: later patterns win within a directory. */
export const IGNORE_FILE_NAMES: readonly string[] = ['.gitignore', '.minionsignore'];

interface MatchResult {
  readonly ignored: boolean;
  readonly unignored: boolean;
}

/** The patterns of one place, matched against paths relative to `prefix` (`''` or `dir/`). */
export interface RuleLevel {
  readonly prefix: string;
  readonly match: (relativePath: string) => MatchResult;
}

/** The rule levels in force in one directory, most specific first; shared by its subtree. */
export interface RuleScope {
  readonly level: RuleLevel;
  readonly parent: RuleScope | undefined;
}

// git sets core.ignorecase on the file systems that fold case by default.
const ignoreCase = process.platform === 'darwin' || process.platform === 'win32';

/** A rule level from gitignore-syntax texts, or undefined when they hold no pattern. */
export function createRuleLevel(prefix: string, texts: readonly string[]): RuleLevel | undefined {
  if (!texts.some(hasPatterns)) return undefined;
  const instance = ignore({ ignorecase: ignoreCase });
  for (const text of texts) instance.add(text);
  return { prefix, match: singlePathMatcher(instance) };
}

function hasPatterns(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim() !== '' && !line.startsWith('#'));
}

/**
 * git matches each path against the patterns on its own: excluding `build/`
 * at the root does not exclude `pkg/build/x.ts` once `pkg/.gitignore` has
 * re-included `pkg/build/`. `Ignore#test` also applies a level's verdict on
 * every parent directory, which breaks exactly that case, so this calls the
 * rule list's own single-path test (ignore 7.x) and falls back to `test`.
 */
function singlePathMatcher(instance: ReturnType<typeof ignore>): (path: string) => MatchResult {
  const rules: unknown = Reflect.get(instance, '_rules');
  const test: unknown = typeof rules === 'object' && rules !== null ? Reflect.get(rules, 'test') : undefined;
  if (typeof test === 'function') {
    return (path) => {
      const result: unknown = Reflect.apply(test, rules, [path, true, 'regex']);
      return isMatchResult(result) ? result : { ignored: false, unignored: false };
    };
  }
  return (path) => {
    try {
      return instance.test(path);
    } catch {
      return { ignored: false, unignored: false };
    }
  };
}

function isMatchResult(value: unknown): value is MatchResult {
  return typeof value === 'object' && value !== null && 'ignored' in value && 'unignored' in value;
}

/**
 * Whether `path` (relative to the root) is ignored: the override level first,
 * then the scope from the deepest directory up; the first level with a matching
 * pattern decides, and within a level the last matching pattern wins (a `!`
 * pattern re-includes). Directories are matched with a trailing `/`, so
 * directory-only patterns apply to them alone.
 */
export function isIgnored(override: RuleLevel | undefined, scope: RuleScope | undefined, path: string, isDirectory: boolean): boolean {
  const candidate = isDirectory ? `${path}/` : path;
  if (override !== undefined) {
    const result = override.match(candidate);
    if (result.ignored || result.unignored) return result.ignored;
  }
  for (let current = scope; current !== undefined; current = current.parent) {
    const result = current.level.match(candidate.slice(current.level.prefix.length));
    if (result.ignored || result.unignored) return result.ignored;
  }
  return false;
}

/** What a directory entry is, as `lstat` sees it (links are never followed). */
export type EntryKind = 'file' | 'directory' | 'symlink';

/**
 * The one rule deciding whether discovery passes over a directory entry silently,
 * shared by the walk and the watcher's path filter: always-skipped directory names
 * (links with those names too), a `.git` file (a worktree's or submodule's pointer),
 * and whatever the ignore rules in `scope` (and the override) ignore.
 */
export function isExcludedEntry(kind: EntryKind, name: string, path: string, override: RuleLevel | undefined, scope: RuleScope | undefined): boolean {
  if (kind === 'file' ? name === '.git' : ALWAYS_SKIPPED_DIRECTORIES.has(name)) return true;
  return isIgnored(override, scope, path, kind === 'directory');
}

/**
 * The text of the repository's `info/exclude`, or `''`. Follows a `.git` file
 * (`gitdir:` in worktrees and submodules) and a worktree's `commondir`.
 */
export async function readRepositoryExclude(root: string): Promise<string> {
  const path = await repositoryExcludePath(root);
  return path === undefined ? '' : readOptional(path);
}

/** Where the repository's `info/exclude` lives (it may not exist), or undefined outside a git repository. */
export async function repositoryExcludePath(root: string): Promise<string | undefined> {
  const gitDirectory = await findGitDirectory(root);
  return gitDirectory === undefined ? undefined : join(gitDirectory, 'info', 'exclude');
}

async function findGitDirectory(root: string): Promise<string | undefined> {
  const dotGit = join(root, '.git');
  const stats = await stat(dotGit).catch(() => undefined);
  if (stats === undefined) return undefined;
  if (stats.isDirectory()) return dotGit;
  const pointer = /^gitdir:[ \t]*(.+?)[ \t]*$/m.exec(await readOptional(dotGit))?.[1];
  if (pointer === undefined) return undefined;
  const gitDirectory = resolve(root, pointer);
  const common = (await readOptional(join(gitDirectory, 'commondir'))).trim();
  return common === '' ? gitDirectory : resolve(gitDirectory, common);
}

async function readOptional(path: string): Promise<string> {
  return readFile(path, 'utf8').catch(() => '');
}
