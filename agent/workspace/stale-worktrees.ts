// Worktrees a server left behind when it was killed (kill -9, a crash): registered in
// the user's repository, under minions' worktrees folder, with no task running in them.
import { realpath } from 'node:fs/promises';
import { isWithin } from './sandbox.js';
import { git, removeWorktree } from './git.js';

/** The worktrees of a repository (`git worktree list --porcelain`), as the absolute paths git recorded. */
async function worktreePaths(root: string, signal: AbortSignal): Promise<string[]> {
  const listing = await git(root, ['worktree', 'list', '--porcelain'], signal);
  return listing
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}

/**
 * Removes the worktrees of `root` that live under `worktreesDir` (minions' own, left by a
 * server that did not stop cleanly) and prunes git's records of them; their branches stay,
 * with whatever was committed. Call it only when no task runs. Returns the removed paths.
 * The user's own worktrees elsewhere are never touched.
 */
export async function removeStaleWorktrees(root: string, worktreesDir: string, signal: AbortSignal): Promise<string[]> {
  const stale = await minionsWorktrees(root, worktreesDir, signal);
  for (const path of stale) {
    signal.throwIfAborted();
    await removeWorktree(root, path);
  }
  return stale;
}

/** The worktrees of `root` under `worktreesDir` (minions' own), as git recorded them; the user's others are never listed. */
export async function minionsWorktrees(root: string, worktreesDir: string, signal: AbortSignal): Promise<string[]> {
  const folder = await realpath(worktreesDir).catch(() => undefined);
  if (folder === undefined) return [];
  const found: string[] = [];
  for (const path of await worktreePaths(root, signal)) {
    const real = await realpath(path).catch(() => path);
    if (path !== folder && real !== folder && (isWithin(folder, path) || isWithin(folder, real))) found.push(path);
  }
  return found;
}
