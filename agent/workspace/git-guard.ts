// What keeps minions' own git from running a repository's code. git runs programs named
// in configuration (hooks, `core.fsmonitor`, filter and diff drivers) and follows the
// worktree's `.git` pointer file; a repository's test script, or a model that reached
// `.git`, could plant either. So: the worktree's metadata is located and verified once,
// when minions makes it, and checked byte for byte before every later git call on it;
// every call gets `GIT_DIR`/`GIT_WORK_TREE` explicitly; and every setting that could run
// a program is overridden on the command line's level (which beats every config file).
import { lstat, readFile, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { gitEnvironment } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';

/** A task worktree's git metadata, as minions verified it when it made the worktree. */
export interface GitLocation {
  /** The worktree (a real path) and its admin folder `<common>/worktrees/<name>`. */
  workTree: string;
  gitDir: string;
  /** The user's repository metadata (its `.git`, a real path). */
  commonDir: string;
  /** The task's branch, which HEAD must name. */
  branch: string;
  /** The exact content of the files that tie the worktree to its admin folder and branch. */
  files: ReadonlyMap<string, string>;
}

/** One configuration entry, with the scope it came from (`system`, `global`, `local`, `worktree`, `command`). */
export interface ConfigEntry {
  scope: string;
  key: string;
  value: string;
}

/**
 * The settings every git call of minions overrides: no hooks, no file-system monitor.
 * (`diff.external` and textconv cannot be emptied, git would try to run ""; the diff
 * calls get `--no-ext-diff --no-textconv` instead, see `diffSafeArguments`.)
 */
const fixedOverrides: readonly (readonly [string, string])[] = [
  ['core.hooksPath', '/dev/null'],
  ['core.fsmonitor', 'false'],
];

/** The git commands that may print a diff, and so run an external diff or a textconv driver. */
const diffCommands = new Set(['diff', 'show', 'log']);

/** `args` with `--no-ext-diff --no-textconv` right after the subcommand when it may print a diff. */
export function diffSafeArguments(args: readonly string[]): string[] {
  let index = 0;
  // Global options come first; `-c name=value` takes the next word.
  while (index < args.length && (args[index] ?? '').startsWith('-')) index += args[index] === '-c' ? 2 : 1;
  const command = args[index];
  if (command === undefined || !diffCommands.has(command)) return [...args];
  return [...args.slice(0, index + 1), '--no-ext-diff', '--no-textconv', ...args.slice(index + 1)];
}

/** Per driver section, the variables that name a program. */
const driverCommands: Readonly<Record<string, readonly string[]>> = {
  filter: ['clean', 'smudge', 'process'],
  diff: ['textconv', 'command'],
  merge: ['driver'],
};

/** Parses `git config --list --show-scope -z` (records `scope NUL key LF value NUL`). */
export function parseConfigList(text: string): ConfigEntry[] {
  const parts = text.split('\0');
  const entries: ConfigEntry[] = [];
  for (let index = 0; index + 1 < parts.length; index += 2) {
    const record = parts[index + 1] ?? '';
    const newline = record.indexOf('\n');
    entries.push({ scope: parts[index] ?? '', key: newline === -1 ? record : record.slice(0, newline), value: newline === -1 ? '' : record.slice(newline + 1) });
  }
  return entries;
}

/**
 * The overrides for one git call, given the configuration it would read. Drivers (a
 * `filter.<name>.clean`, a `diff.<name>.textconv`) cannot be switched off as a class, so
 * each one the repository's own configuration (`local`, `worktree` and what they
 * include) defines is emptied by name: an empty command runs nothing. Drivers of the
 * user's global and the system configuration are the user's own (git-lfs) and stay.
 */
export function configOverrides(entries: readonly ConfigEntry[]): [string, string][] {
  const overrides = fixedOverrides.map(([key, value]): [string, string] => [key, value]);
  const seen = new Set<string>();
  for (const { scope, key } of entries) {
    if (scope !== 'local' && scope !== 'worktree') continue;
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    const section = key.slice(0, first).toLowerCase();
    const commands = driverCommands[section];
    if (commands === undefined || last <= first) continue;
    const name = key.slice(first + 1, last);
    if (seen.has(`${section}.${name}`)) continue;
    seen.add(`${section}.${name}`);
    for (const variable of commands) overrides.push([`${section}.${name}.${variable}`, '']);
    if (section === 'filter') overrides.push([`filter.${name}.required`, 'false']);
  }
  return overrides;
}

/**
 * The environment of one git call: the scrubbed one, no system configuration or
 * attributes, the overrides as `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (command-line
 * precedence, and unlike `-c` a driver name may hold `=`), and for a task worktree its
 * verified `GIT_DIR` and `GIT_WORK_TREE`, so a rewritten `.git` pointer file is never read.
 */
export function hardenedEnvironment(parent: NodeJS.ProcessEnv, overrides: readonly (readonly [string, string])[], location?: GitLocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...gitEnvironment(parent), GIT_CONFIG_NOSYSTEM: '1', GIT_ATTR_NOSYSTEM: '1', GIT_CONFIG_COUNT: String(overrides.length) };
  overrides.forEach(([key, value], index) => {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  if (location !== undefined) Object.assign(env, { GIT_DIR: location.gitDir, GIT_WORK_TREE: location.workTree });
  return env;
}

/** A refusal: the worktree's git metadata is not what minions made. */
function tampered(what: string): MinionsError {
  return new MinionsError('conflict', `guardrail: the worktree's git metadata was tampered with (${what}); no git command runs on it`);
}

/** Reads a file that must be a regular file (not a symlink), or undefined. */
async function readPlain(path: string): Promise<string | undefined> {
  const stats = await lstat(path).catch(() => undefined);
  if (stats === undefined || !stats.isFile()) return undefined;
  return readFile(path, 'utf8').catch(() => undefined);
}

/**
 * Locates and verifies the metadata of the worktree git just made at `workTree` on
 * `branch`: its `.git` file names an admin folder directly under the user's
 * `<commonDir>/worktrees/`, whose `commondir` and `gitdir` files point back at the user's
 * metadata and at this worktree, and whose HEAD names the branch. Throws otherwise.
 */
export async function locateWorktreeGit(workTree: string, commonDir: string, branch: string): Promise<GitLocation> {
  const pointerPath = join(workTree, '.git');
  const pointer = await readPlain(pointerPath);
  const match = pointer === undefined ? null : /^gitdir: (.+)\n$/.exec(pointer);
  if (pointer === undefined || match === null) throw tampered(`${pointerPath} is not a git pointer file`);
  const realCommon = await realpath(commonDir);
  const gitDir = await realpath(resolve(workTree, match[1] ?? '')).catch(() => '');
  if (dirname(gitDir) !== join(realCommon, 'worktrees')) throw tampered(`${pointerPath} points outside ${join(realCommon, 'worktrees')}`);
  const files = new Map([[pointerPath, pointer]]);
  for (const name of ['commondir', 'gitdir', 'HEAD']) files.set(join(gitDir, name), (await readPlain(join(gitDir, name))) ?? '');
  const common = files.get(join(gitDir, 'commondir'))?.trim() ?? '';
  if (common === '' || (await realpath(resolve(gitDir, common)).catch(() => '')) !== realCommon) throw tampered(`${gitDir}/commondir does not name ${realCommon}`);
  // Relative when git writes relative worktree paths (`worktree.useRelativePaths`).
  if (resolve(gitDir, files.get(join(gitDir, 'gitdir'))?.trim() ?? '') !== pointerPath) throw tampered(`${gitDir}/gitdir does not name ${pointerPath}`);
  if (files.get(join(gitDir, 'HEAD')) !== `ref: refs/heads/${branch}\n`) throw tampered(`HEAD of ${gitDir} is not the branch ${branch}`);
  return { workTree, gitDir, commonDir: realCommon, branch, files };
}

/** What changed in the worktree's git metadata since it was verified (empty when nothing did). */
export async function gitMetadataChanges(location: GitLocation): Promise<string[]> {
  const changes: string[] = [];
  const admin = await lstat(location.gitDir).catch(() => undefined);
  if (admin === undefined || !admin.isDirectory()) changes.push(`${location.gitDir} is no longer a folder`);
  for (const [path, content] of location.files) {
    if ((await readPlain(path)) !== content) changes.push(path.endsWith('HEAD') ? `HEAD no longer names the branch ${location.branch}` : `${path} changed`);
  }
  return changes;
}

/** Throws the guardrail refusal when the worktree's git metadata changed since it was verified. */
export async function assertGitMetadata(location: GitLocation): Promise<void> {
  const changes = await gitMetadataChanges(location);
  if (changes.length > 0) throw tampered(changes.join('; '));
}

/** The configuration entries that differ between two listings (added, changed or removed), as `scope key`. */
export function configChanges(before: readonly ConfigEntry[], after: readonly ConfigEntry[]): string[] {
  const text = (entry: ConfigEntry): string => `${entry.scope} ${entry.key}=${entry.value}`;
  const old = new Set(before.map(text));
  const now = new Set(after.map(text));
  const added = after.filter((entry) => !old.has(text(entry))).map((entry) => `${entry.scope} ${entry.key} set`);
  const removed = before.filter((entry) => !now.has(text(entry))).map((entry) => `${entry.scope} ${entry.key} removed`);
  return [...new Set([...added, ...removed])];
}
