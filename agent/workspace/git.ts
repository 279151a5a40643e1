// Git plumbing for the blueprint: worktrees, staging, diffs and commits, each an
// abortable `git` process whose failure becomes a MinionsError naming the command.
// Every call is hardened (see git-guard.ts): calls on a task's worktree take its
// verified GitLocation, and run only while its metadata is what minions made.
import { runProcess } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { assertGitMetadata, configOverrides, diffSafeArguments, hardenedEnvironment, parseConfigList, type ConfigEntry, type GitLocation } from './git-guard.js';

/** The most stdout one git call may produce (a diff of a large change), in characters. */
const maxGitOutput = 256 * 1024 * 1024;

/** Runs one git process with the given environment; a non-zero exit throws with git's own message. */
async function runGit(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<string> {
  const result = await runProcess({ argv: ['git', '--no-pager', ...args] }, { cwd, env, signal, maxOutputCharacters: 4096, maxStreamCharacters: maxGitOutput });
  if (result.exitCode === 0 && !result.overflowed) return result.stdout;
  const why = result.overflowed ? `its output passed ${maxGitOutput} characters` : result.stderr.trim() || `exit code ${result.exitCode ?? result.signal ?? '?'}`;
  const message = why.split('\n').slice(0, 3).join(' ');
  throw new MinionsError('internal', `git ${args.slice(0, 2).join(' ')} failed: ${message}`, { details: { args: [...args], exitCode: result.exitCode } });
}

/**
 * Every configuration entry the git call in `cwd` (or on `location`) would read, with
 * its scope. `git config` itself runs nothing: no hook, monitor or driver.
 */
export async function readConfig(cwd: string, signal: AbortSignal, location?: GitLocation): Promise<ConfigEntry[]> {
  if (location !== undefined) await assertGitMetadata(location);
  return parseConfigList(await runGit(cwd, ['config', '--list', '--show-scope', '-z'], hardenedEnvironment(process.env, [], location), signal));
}

/**
 * Runs `git <args>` in `cwd` and returns its stdout; a non-zero exit throws with git's own message.
 * git gets a scrubbed environment: no inherited `GIT_DIR`, `GIT_WORK_TREE` or other `GIT_*`
 * (a run started from a git hook still works on its own repository), no tokens; hooks,
 * `core.fsmonitor`, external diffs and the repository's own filter and diff drivers are
 * switched off. With `location` (a task's worktree), the call runs only if the worktree's
 * git metadata is unchanged since prepare, on its verified `GIT_DIR` and `GIT_WORK_TREE`.
 * With `indexFile`, git reads and writes that index instead of the repository's.
 */
export async function git(cwd: string, args: readonly string[], signal: AbortSignal, location?: GitLocation, indexFile?: string): Promise<string> {
  const overrides = configOverrides(await readConfig(cwd, signal, location));
  const env = hardenedEnvironment(process.env, overrides, location);
  // A private index (a snapshot of the user's checkout) leaves the user's own index untouched.
  if (indexFile !== undefined) env.GIT_INDEX_FILE = indexFile;
  return runGit(cwd, diffSafeArguments(args), env, signal);
}

/** The top folder of the repository holding `path`; a clear error when it is not in one. */
export async function repositoryRoot(path: string, signal: AbortSignal): Promise<string> {
  try {
    return (await git(path, ['rev-parse', '--show-toplevel'], signal)).trim();
  } catch (error) {
    if (!(error instanceof MinionsError)) throw error;
    throw new MinionsError('invalid-argument', `${path} is not a git repository (a minion works on a branch of one).`, { cause: error });
  }
}

/** The commit a ref names; a clear error for an unknown ref. */
export async function resolveCommit(root: string, ref: string, signal: AbortSignal): Promise<string> {
  try {
    return (await git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], signal)).trim();
  } catch (error) {
    if (!(error instanceof MinionsError)) throw error;
    throw new MinionsError('invalid-argument', `The base "${ref}" is not a commit of ${root}.`, { cause: error });
  }
}

/** True when a local branch of that name exists. */
export async function branchExists(root: string, branch: string, signal: AbortSignal): Promise<boolean> {
  try {
    await git(root, ['show-ref', '--verify', '--quiet', `refs/heads/${branch}`], signal);
    return true;
  } catch (error) {
    if (error instanceof MinionsError) return false;
    throw error;
  }
}

/** The user's repository metadata (the `.git` its worktrees share), as an absolute path. */
export async function commonGitDir(root: string, signal: AbortSignal): Promise<string> {
  return (await git(root, ['rev-parse', '--path-format=absolute', '--git-common-dir'], signal)).trim();
}

/** Adds a worktree at `path` on a new branch starting at `commit`; the user's checkout is not touched. */
export async function addWorktree(root: string, path: string, branch: string, commit: string, signal: AbortSignal): Promise<void> {
  await git(root, ['worktree', 'add', '--quiet', '-b', branch, path, commit], signal);
}

/**
 * Adds a worktree at `path` on an existing branch (a follow-up continues the earlier run's
 * branch). The branch must still point at `commit`: a branch moved since (another follow-up,
 * the user) is a conflict, and the worktree is removed again.
 */
export async function addWorktreeOnBranch(root: string, path: string, branch: string, commit: string, signal: AbortSignal): Promise<void> {
  await git(root, ['worktree', 'add', '--quiet', path, branch], signal);
  const head = (await git(path, ['rev-parse', 'HEAD'], signal)).trim();
  if (head !== commit) {
    await removeWorktree(root, path);
    throw new MinionsError('conflict', `The branch ${branch} moved since the earlier run (it points at ${head.slice(0, 12)}, not ${commit.slice(0, 12)}); follow up on the latest run of that branch.`);
  }
}

/**
 * Removes a worktree (even with changes in it) with its bookkeeping; the branch stays. Never
 * aborted. Prunes only when the removal failed: a prune deletes the bookkeeping of a worktree
 * another task is adding at that moment (its folder is not written yet), so it runs rarely.
 */
export async function removeWorktree(root: string, path: string): Promise<void> {
  const signal = new AbortController().signal;
  try {
    await git(root, ['worktree', 'remove', '--force', '--force', path], signal);
  } catch (error) {
    await pruneWorktrees(root);
    throw error;
  }
}

/**
 * Whether `git worktree add` failed because its bookkeeping (`.git/worktrees/<name>/`) vanished
 * while it wrote it: a concurrent `git worktree prune` (another task's clean-up, another
 * process) took the half-made entry. Adding again succeeds.
 */
export function isWorktreeAddRace(error: unknown): boolean {
  return error instanceof MinionsError && /worktree add/.test(error.message) && /\.git\/worktrees\//.test(error.message);
}

/** Forgets the bookkeeping of worktrees whose folder is gone. Never aborted, never fails. */
export async function pruneWorktrees(root: string): Promise<void> {
  await git(root, ['worktree', 'prune'], new AbortController().signal).catch(() => undefined);
}

/** Unstages everything (after a guardrail stopped delivery). */
export async function unstageAll(location: GitLocation, signal: AbortSignal): Promise<void> {
  await git(location.workTree, ['reset', '--quiet'], signal, location);
}

/** One staged file: status letter, path, lines added and removed (null for binary), and git's file mode. */
export interface StagedFile {
  status: string;
  path: string;
  added: number | null;
  removed: number | null;
  mode: string;
}

/** The staged changes against `base`, file by file. */
export async function stagedFiles(location: GitLocation, base: string, signal: AbortSignal): Promise<StagedFile[]> {
  const diff = (format: string): Promise<string> => git(location.workTree, ['diff', '--cached', format, '--no-renames', '--no-textconv', '--no-ext-diff', '-z', base], signal, location);
  const [statusText, numstatText, rawText] = await Promise.all([diff('--name-status'), diff('--numstat'), diff('--raw')]);
  const counts = new Map<string, [number | null, number | null]>();
  for (const record of numstatText.split('\0')) {
    const match = /^(-|\d+)\t(-|\d+)\t(.*)$/s.exec(record.replace(/^\n/, ''));
    if (match) counts.set(match[3] ?? '', [match[1] === '-' ? null : Number(match[1]), match[2] === '-' ? null : Number(match[2])]);
  }
  const modes = new Map<string, string>();
  const rawParts = rawText.split('\0');
  for (let index = 0; index + 1 < rawParts.length; index += 2) {
    const fields = (rawParts[index] ?? '').replace(/^\n/, '').split(' ');
    modes.set(rawParts[index + 1] ?? '', fields[1] === '000000' ? (fields[0] ?? '').replace(':', '') : (fields[1] ?? ''));
  }
  const parts = statusText.split('\0');
  const files: StagedFile[] = [];
  for (let index = 0; index + 1 < parts.length; index += 2) {
    const path = parts[index + 1] ?? '';
    const [added, removed] = counts.get(path) ?? [null, null];
    files.push({ status: (parts[index] ?? '').replace(/^\n/, ''), path, added, removed, mode: modes.get(path) ?? '' });
  }
  return files;
}

/** The unified diff of the staged changes against `base`. */
export function stagedDiff(location: GitLocation, base: string, signal: AbortSignal): Promise<string> {
  return git(location.workTree, ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', base], signal, location);
}

/** One entry of `git status`: a path and whether git tracks it. */
export interface StatusEntry {
  path: string;
  untracked: boolean;
}

/** The worktree's changes (modified, added, deleted, untracked files), the given top-level entries (linked dependencies) left out. */
export async function worktreeStatus(location: GitLocation, excluded: readonly string[], signal: AbortSignal): Promise<StatusEntry[]> {
  // Dirty submodules are not looked into: that would run git in their metadata, which minions has not verified.
  const text = await git(location.workTree, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=dirty'], signal, location);
  const skip = new Set(excluded);
  return text
    .split('\0')
    .filter((record) => record.length > 3)
    .map((record) => ({ path: record.slice(3), untracked: record.startsWith('??') }))
    .filter((entry) => !skip.has(entry.path.split('/')[0] ?? '') && !skip.has(entry.path.replace(/\/$/, '')));
}

/** Paths changed in the worktree (modified, added, deleted, untracked), relative to its root. */
export async function changedPaths(location: GitLocation, excluded: readonly string[], signal: AbortSignal): Promise<string[]> {
  return (await worktreeStatus(location, excluded, signal)).map((entry) => entry.path);
}

/**
 * Commits the staged changes on the task's branch; uses a minions identity only when the
 * repository has none configured. The commit must be the branch's tip and HEAD must
 * still name the branch, so nothing is ever committed onto another branch.
 */
export async function commit(location: GitLocation, message: string, signal: AbortSignal): Promise<string> {
  const configured = (await git(location.workTree, ['config', '--get', 'user.email'], signal, location).catch(() => '')).trim() !== '';
  const identity = configured ? [] : ['-c', 'user.name=minions', '-c', 'user.email=minions@localhost'];
  await git(location.workTree, [...identity, 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=verbatim', '-m', message], signal, location);
  const [head, tip] = (await git(location.workTree, ['rev-parse', 'HEAD', `refs/heads/${location.branch}`], signal, location)).trim().split('\n');
  if (head === undefined || head !== tip) throw new MinionsError('conflict', `guardrail: the commit ${head ?? '?'} is not the tip of ${location.branch}`);
  return head;
}
