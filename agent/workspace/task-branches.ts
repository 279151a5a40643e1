// The `minions/*` branches runs leave in a repository, and which of them hold nothing to
// review: every commit of theirs is on another branch too (a run that died before its
// clean-up, or a change merged since). `minions prune` removes those.
import { MinionsError } from '../../schemas/index.js';
import { git } from './git.js';

/** A task branch with no commit of its own, and the worktree that has it checked out (null: none). */
export interface EmptyTaskBranch {
  branch: string;
  worktree: string | null;
}

/** The `minions/*` branches of a repository whose commits are all on other branches as well. */
export async function emptyTaskBranches(root: string, signal: AbortSignal): Promise<EmptyTaskBranch[]> {
  const listing = await git(root, ['for-each-ref', '--format=%(refname:strip=2)%00%(worktreepath)', 'refs/heads/minions/'], signal);
  const empty: EmptyTaskBranch[] = [];
  for (const line of listing.split('\n').filter((entry) => entry !== '')) {
    const [branch = '', worktree = ''] = line.split('\0');
    // Commits reachable from the branch and from no other branch: its own.
    const own = await git(root, ['rev-list', '--count', `refs/heads/${branch}`, '--not', `--exclude=${branch}`, '--branches'], signal);
    if (own.trim() === '0') empty.push({ branch, worktree: worktree === '' ? null : worktree });
  }
  return empty;
}

/**
 * Deletes a task branch; false (not an error) when git refuses because a worktree has it
 * checked out (a run in progress).
 */
export async function deleteTaskBranch(root: string, branch: string, signal: AbortSignal): Promise<boolean> {
  if (!branch.startsWith('minions/')) throw new MinionsError('invalid-argument', `${branch} is not a branch of minions.`);
  try {
    await git(root, ['branch', '--quiet', '-D', '--', branch], signal);
    return true;
  } catch (error) {
    if (error instanceof MinionsError && /checked out|used by worktree/.test(error.message)) return false;
    throw error;
  }
}
