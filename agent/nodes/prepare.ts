// prepare and clean-up: the task's own git worktree on a new branch at the base,
// with the user's installed dependencies linked in; removed at the end, branch kept.
import { mkdir, realpath, rm, stat, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { gitMetadataChanges, locateWorktreeGit } from '../workspace/git-guard.js';
import { deleteBranch } from '../workspace/checkout.js';
import { addRetryWorktree, clearEarlierWorktrees } from '../workspace/retry-attempt.js';
import { addWorktree, addWorktreeOnBranch, commonGitDir, git, isWorktreeAddRace, pruneWorktrees, readConfig, removeWorktree } from '../workspace/git.js';
import type { RunState } from '../run-state.js';

/** Untracked folders of the user's checkout that checks need (installed dependencies), linked, never copied. */
const dependencyFolders = ['node_modules', '.venv', 'venv'];

/** Creates the worktree and records the tracked files. */
export async function prepareWorktree({ state, services, signal }: NodeContext): Promise<NodeOutcome> {
  await mkdir(services.worktreesDir, { recursive: true });
  const worktree = join(await realpath(services.worktreesDir), state.taskId.replace(/[^\w.-]/g, '_'));
  // Recorded before git runs, so clean-up removes even a half-made worktree.
  state.worktree = worktree;
  // A follow-up continues the earlier run's branch at its last commit; any other run starts a new branch at the base.
  await addTaskWorktree(state, worktree, signal);
  // Located and verified now, before any repository code or model turn could touch it.
  const location = await locateWorktreeGit(worktree, await commonGitDir(state.repoRoot, signal), state.branch);
  state.git = location;
  state.gitConfig = await readConfig(worktree, signal, location);
  for (const folder of dependencyFolders) {
    const source = join(state.repoRoot, folder);
    const isFolder = await stat(source).then((entry) => entry.isDirectory(), () => false);
    const taken = await stat(join(worktree, folder)).then(() => true, () => false);
    if (!isFolder || taken) continue;
    await symlink(source, join(worktree, folder), 'dir');
    state.linked.push(folder);
  }
  state.tracked = (await git(worktree, ['ls-files', '-z'], signal, location)).split('\0').filter((path) => path !== '');
  services.emit('worktree-create', { path: worktree, branch: state.branch, base: state.base, commit: state.baseCommit });
  const linked = state.linked.length > 0 ? `, linked ${state.linked.join(', ')}` : '';
  return { status: 'ok', label: 'ok', note: `${state.tracked.length} tracked files${linked}` };
}

/**
 * Adds the task's worktree: on a new branch at the base; a follow-up on the earlier run's
 * branch; a retry after a lost worker on the task's branch reset to the base (a follow-up's:
 * the earlier run's commit), where the lost attempt's worktree was. An add that lost its
 * bookkeeping to a concurrent prune is made again (the branch, made already, is the task's).
 */
async function addTaskWorktree(state: RunState, worktree: string, signal: AbortSignal): Promise<void> {
  if (state.retry !== undefined) await clearEarlierWorktrees(state.repoRoot, state.branch, worktree, signal);
  for (let attempt = 1; ; attempt++) {
    try {
      if (state.retry !== undefined || attempt > 1) await addRetryWorktree(state.repoRoot, worktree, state.branch, state.baseCommit, signal);
      else if (state.request.continueFrom !== undefined) await addWorktreeOnBranch(state.repoRoot, worktree, state.branch, state.baseCommit, signal);
      else await addWorktree(state.repoRoot, worktree, state.branch, state.baseCommit, signal);
      return;
    } catch (error) {
      if (attempt >= 3 || !isWorktreeAddRace(error)) throw error;
      await rm(worktree, { recursive: true, force: true });
    }
  }
}

/** Removes the worktree (changes included: they are committed by then, or reported); keeps the branch. */
export async function cleanUpWorktree({ state, services }: NodeContext): Promise<NodeOutcome> {
  if (state.worktree === undefined) return { status: 'skipped', label: 'skipped', note: 'no worktree' };
  try {
    // git does not go near tampered metadata, not even to remove it: the folder goes, and prune forgets it.
    if (state.git !== undefined && (await gitMetadataChanges(state.git)).length > 0) throw new Error('tampered');
    await removeWorktree(state.repoRoot, state.worktree);
  } catch {
    // Not (or no longer) a registered worktree: remove whatever folder is left.
    await rm(state.worktree, { recursive: true, force: true });
    await pruneWorktrees(state.repoRoot);
  }
  // A branch without a commit of the run is the base under another name: nothing to review, so it goes.
  // A follow-up's branch holds the earlier runs' commits: it stays.
  if (state.commit === null && state.request.continueFrom === undefined) {
    state.branchDeleted = await deleteBranch(state.repoRoot, state.branch).then(() => true, () => false);
  }
  services.emit('worktree-remove', { path: state.worktree, branchKept: state.branchDeleted ? null : state.branch, ...(state.branchDeleted ? { branchDeleted: state.branch } : {}) });
  return { status: 'ok', label: 'ok', note: state.branchDeleted ? `nothing committed: branch ${state.branch} deleted` : `branch ${state.branch} kept` };
}
