// Git plumbing for the blueprint: worktrees, staging, diffs and commits, each an
// abortable `git` process whose failure becomes a MinionsError naming the command.
import { gitEnvironment, runProcess } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';

/** The most stdout one git call may produce (a diff of a large change), in characters. */
const maxGitOutput = 256 * 1024 * 1024;

/**
 * Runs `git <args>` in `cwd` and returns its stdout; a non-zero exit throws with git's own message.
 * git gets a scrubbed environment: no inherited `GIT_DIR`, `GIT_WORK_TREE` or other `GIT_*`
 * (a run started from a git hook still works on its own repository), no tokens.
 */
export async function git(cwd: string, args: readonly string[], signal: AbortSignal): Promise<string> {
  // The user's hooks (post-checkout, pre-commit, ...) never run on the agent's behalf.
  const argv = ['git', '-c', 'core.hooksPath=/dev/null', ...args];
  const result = await runProcess({ argv }, { cwd, env: gitEnvironment(process.env), signal, maxOutputCharacters: 4096, maxStreamCharacters: maxGitOutput });
  if (result.exitCode === 0 && !result.overflowed) return result.stdout;
  const why = result.overflowed ? `its output passed ${maxGitOutput} characters` : result.stderr.trim() || `exit code ${result.exitCode ?? result.signal ?? '?'}`;
  const message = why.split('\n').slice(0, 3).join(' ');
  throw new MinionsError('internal', `git ${args.slice(0, 2).join(' ')} failed: ${message}`, { details: { args: [...args], exitCode: result.exitCode } });
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

/** Adds a worktree at `path` on a new branch starting at `commit`; the user's checkout is not touched. */
export async function addWorktree(root: string, path: string, branch: string, commit: string, signal: AbortSignal): Promise<void> {
  await git(root, ['worktree', 'add', '--quiet', '-b', branch, path, commit], signal);
}

/** Removes a worktree (even with changes in it) and prunes its bookkeeping; the branch stays. Never aborted. */
export async function removeWorktree(root: string, path: string): Promise<void> {
  const signal = new AbortController().signal;
  try {
    await git(root, ['worktree', 'remove', '--force', '--force', path], signal);
  } finally {
    await git(root, ['worktree', 'prune'], signal).catch(() => undefined);
  }
}

/** Stages every change in the worktree except the given top-level entries (links to the user's dependencies). */
export async function stageAll(worktree: string, excluded: readonly string[], signal: AbortSignal): Promise<void> {
  await git(worktree, ['add', '--all', '--', '.', ...excluded.map((entry) => `:(exclude,top)${entry}`)], signal);
}

/** Unstages everything (after a guardrail stopped delivery). */
export async function unstageAll(worktree: string, signal: AbortSignal): Promise<void> {
  await git(worktree, ['reset', '--quiet'], signal);
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
export async function stagedFiles(worktree: string, base: string, signal: AbortSignal): Promise<StagedFile[]> {
  const [statusText, numstatText, rawText] = await Promise.all([
    git(worktree, ['diff', '--cached', '--name-status', '--no-renames', '-z', base], signal),
    git(worktree, ['diff', '--cached', '--numstat', '--no-renames', '-z', base], signal),
    git(worktree, ['diff', '--cached', '--raw', '--no-renames', '-z', base], signal),
  ]);
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
export function stagedDiff(worktree: string, base: string, signal: AbortSignal): Promise<string> {
  return git(worktree, ['diff', '--cached', '--no-color', '--no-ext-diff', base], signal);
}

/** Paths changed in the worktree (modified, added, deleted, untracked), relative to its root. */
export async function changedPaths(worktree: string, excluded: readonly string[], signal: AbortSignal): Promise<string[]> {
  const text = await git(worktree, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames'], signal);
  const skip = new Set(excluded);
  return text
    .split('\0')
    .filter((record) => record.length > 3)
    .map((record) => record.slice(3))
    .filter((path) => !skip.has(path.split('/')[0] ?? '') && !skip.has(path.replace(/\/$/, '')));
}

/** Commits the staged changes; uses a minions identity only when the repository has none configured. */
export async function commit(worktree: string, message: string, signal: AbortSignal): Promise<string> {
  const configured = (await git(worktree, ['config', '--get', 'user.email'], signal).catch(() => '')).trim() !== '';
  const identity = configured ? [] : ['-c', 'user.name=minions', '-c', 'user.email=minions@localhost'];
  await git(worktree, [...identity, 'commit', '--quiet', '--no-verify', '--no-gpg-sign', '--cleanup=verbatim', '-m', message], signal);
  return (await git(worktree, ['rev-parse', 'HEAD'], signal)).trim();
}
