// deliver: stage the change, run the guardrails, and (when they pass) commit it on the
// task's branch, with the unified diff and the PR title and body.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { checkGuardrails, defaultProtectedPaths, redactSecrets } from '../guardrails.js';
import { commit, stageAll, stagedDiff, stagedFiles, unstageAll } from '../workspace/git.js';
import { requireWorktree } from './context.js';
import { describeDelivery } from './describe.js';

/**
 * The outcome labels of deliver: `committed`, `committed-failed` (an attempt committed
 * for a human although the run failed earlier), `refused` (nothing to commit, or the
 * guardrails stopped it: the run fails).
 */
export const deliverOutcomes = ['committed', 'committed-failed', 'refused'] as const;

/** Commits the change when the guardrails allow it; reports honestly either way. */
export async function deliverChange({ state, services, signal }: NodeContext): Promise<NodeOutcome<(typeof deliverOutcomes)[number]>> {
  const worktree = requireWorktree(state.worktree);
  await stageAll(worktree, state.linked, signal);
  const files = await stagedFiles(worktree, state.baseCommit, signal);
  if (files.length === 0) {
    state.failure ??= 'there is no change to deliver';
    return { status: 'failed', label: 'refused', note: state.failure };
  }
  const diff = await stagedDiff(worktree, state.baseCommit, signal);
  const verdict = await checkGuardrails(files, diff, {
    worktree,
    protectedPaths: [...defaultProtectedPaths, ...services.protectedPaths, ...(state.checkPlan?.protected ?? [])],
    allowProtectedPaths: state.request.allowProtectedPaths === true,
    maxFilesChanged: services.limits.maxFilesChanged,
    maxLinesChanged: services.limits.maxLinesChanged,
  });
  state.guardrails = verdict;
  services.emit('guardrail-check', { passed: verdict.passed, violations: verdict.violations, files: verdict.files, lines: verdict.lines });
  const description = describeDelivery(state, files, verdict);
  state.prTitle = description.title;
  state.prBody = description.body;
  if (!verdict.passed) {
    await unstageAll(worktree, signal);
    state.diff = redactSecrets(diff);
    state.failure = `guardrails stopped delivery: ${verdict.violations.join('; ')}`;
    return { status: 'failed', label: 'refused', note: state.failure };
  }
  state.diff = diff;
  state.commit = await commit(worktree, description.message, signal);
  services.emit('commit-create', { branch: state.branch, commit: state.commit, message: description.message });
  const note = `${files.length} files committed as ${state.commit.slice(0, 12)}`;
  return state.failure === undefined ? { status: 'ok', label: 'committed', note } : { status: 'failed', label: 'committed-failed', note: `${note}; ${state.failure}` };
}
