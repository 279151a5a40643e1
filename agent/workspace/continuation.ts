// A follow-up's starting point: the earlier run's branch, at the commit that run left.
import { MinionsError, type TaskRequest } from '../../schemas/index.js';
import type { RunState } from '../run-state.js';
import { branchExists, resolveCommit } from './git.js';

/**
 * The commit a follow-up starts from: the tip of the earlier run's branch, which must still
 * be the commit the earlier run left (prepare checks again when it makes the worktree).
 * Neither another base nor the working tree applies: the branch is the starting point. A
 * retry (`retrying`: the queue lost the worker of an earlier attempt) also accepts the branch
 * one commit further, that attempt's, which it starts again from the earlier run's commit.
 */
export async function continuationPoint(root: string, request: TaskRequest, signal: AbortSignal, retrying = false): Promise<{ baseCommit: string; checkout: RunState['checkout'] }> {
  const { branch, commit } = request.continueFrom ?? { branch: '', commit: '' };
  if (request.base !== undefined || request.fromWorkingTree === true) throw new MinionsError('invalid-argument', 'A follow-up continues its branch; it takes neither a base nor fromWorkingTree.');
  if (!(await branchExists(root, branch, signal))) throw new MinionsError('conflict', `The branch ${branch} of the earlier run no longer exists in ${root}.`);
  const tip = await resolveCommit(root, `refs/heads/${branch}`, signal);
  const lostAttempt = retrying && tip !== commit && (await resolveCommit(root, `${tip}^`, signal).catch(() => '')) === commit;
  if (tip !== commit && !lostAttempt) throw new MinionsError('conflict', `The branch ${branch} moved since the earlier run (it points at ${tip.slice(0, 12)}, not ${commit.slice(0, 12)}); follow up on the latest run of that branch.`);
  return { baseCommit: commit, checkout: { uncommitted: [], included: false } };
}
