// A task run again after its worker was lost (a queue's at-least-once delivery): the
// task's own branch is started again from the base in a clean worktree, and deliver
// takes the earlier attempt's commit instead of stacking a second one when it holds the
// same change. So a task is delivered once, however often it ran.
import { rm } from 'node:fs/promises';
import type { GitLocation } from './git-guard.js';
import { git, pruneWorktrees, removeWorktree } from './git.js';

/** What a retry found of an earlier attempt: the commit the task's branch held on top of the base, if any. */
export interface EarlierAttempt {
  commit: string | null;
}

/**
 * The earlier attempt's delivery: the tip of the task's branch when it is one commit on top
 * of the base (what deliver makes); null when the branch is missing or holds anything else.
 */
export async function earlierAttempt(root: string, branch: string, baseCommit: string, signal: AbortSignal): Promise<EarlierAttempt> {
  const tip = (await git(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`], signal).catch(() => '')).trim();
  if (tip === '' || tip === baseCommit) return { commit: null };
  const parent = (await git(root, ['rev-parse', '--verify', '--quiet', `${tip}^`], signal).catch(() => '')).trim();
  return { commit: parent === baseCommit ? tip : null };
}

/**
 * Removes what a killed attempt left: the worktree at `path` (the task's) and any other
 * worktree that has the task's branch checked out (a lost worker on this machine), so the
 * branch can be reset and checked out again.
 */
export async function clearEarlierWorktrees(root: string, branch: string, path: string, signal: AbortSignal): Promise<void> {
  const listing = await git(root, ['worktree', 'list', '--porcelain'], signal);
  const holders = listing.split('\n\n').flatMap((block) => {
    const lines = block.split('\n');
    const where = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    return where !== undefined && lines.includes(`branch refs/heads/${branch}`) ? [where] : [];
  });
  for (const holder of new Set([...holders, path])) {
    // A worker killed inside `git worktree add` leaves the worktree locked ("initializing"), which prune keeps.
    await git(root, ['worktree', 'unlock', holder], signal).catch(() => undefined);
    await removeWorktree(root, holder).catch(() => undefined);
    await rm(holder, { recursive: true, force: true });
  }
  await pruneWorktrees(root);
}

/** Adds the worktree on the task's branch reset to the base (`-B`): a retry starts clean. */
export async function addRetryWorktree(root: string, path: string, branch: string, baseCommit: string, signal: AbortSignal): Promise<void> {
  await git(root, ['worktree', 'add', '--quiet', '-B', branch, path, baseCommit], signal);
}

/**
 * When the staged change is exactly the earlier attempt's commit (same tree, same parent),
 * moves the branch back to that commit and returns it: nothing new is committed. Otherwise
 * undefined, and deliver commits on the base as usual (the branch still ends one commit on it).
 */
export async function reuseEarlierCommit(location: GitLocation, earlier: string, signal: AbortSignal): Promise<string | undefined> {
  const staged = (await git(location.workTree, ['write-tree'], signal, location)).trim();
  const tree = (await git(location.workTree, ['rev-parse', `${earlier}^{tree}`], signal, location).catch(() => '')).trim();
  if (staged === '' || staged !== tree) return undefined;
  await git(location.workTree, ['reset', '--quiet', '--soft', earlier], signal, location);
  return earlier;
}
