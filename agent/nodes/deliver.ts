// deliver: stage the change (what the model's file tools and the autofixes made, never
// what commands left behind), run the guardrails, and (when they pass) commit it on the
// task's branch, with the unified diff and the PR title and body.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { testOnlyChange } from '../checks/test-only.js';
import { checkGuardrails, defaultProtectedPaths, redactSecrets } from '../guardrails.js';
import { changeSet, stagePaths } from '../workspace/change-set.js';
import { configChanges, gitMetadataChanges, type GitLocation } from '../workspace/git-guard.js';
import { commit, readConfig, stagedDiff, stagedFiles, unstageAll } from '../workspace/git.js';
import type { RunState } from '../run-state.js';
import { reuseEarlierCommit } from '../workspace/retry-attempt.js';
import { requireGit, requireWorktree } from './context.js';
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
  const location = requireGit(state.git);
  const tampering = await gitTampering(state, location, signal);
  if (tampering.length > 0) {
    state.guardrails = { passed: false, violations: tampering, files: 0, lines: 0 };
    services.emit('guardrail-check', { passed: false, violations: tampering, files: 0, lines: 0 });
    state.failure = `guardrails stopped delivery: ${tampering.join('; ')}`;
    return { status: 'failed', label: 'refused', note: state.failure };
  }
  const change = await changeSet(location, state.linked, new Set([...state.touched, ...state.autofixed]), signal);
  state.notCommitted = change.createdByCommands;
  await stagePaths(location, change.deliverable, signal);
  const files = await stagedFiles(location, state.baseCommit, signal);
  if (files.length === 0) {
    state.failure ??= 'there is no change to deliver';
    return { status: 'failed', label: 'refused', note: state.failure };
  }
  const testOnly = testOnlyChange(state.request.prompt, files.map((file) => file.path));
  if (testOnly !== undefined) state.warnings.push(testOnly);
  const diff = await stagedDiff(location, state.baseCommit, signal);
  const verdict = await checkGuardrails(files, diff, {
    worktree,
    protectedPaths: [...defaultProtectedPaths, ...services.protectedPaths, ...(state.checkPlan?.protected ?? [])],
    allowProtectedPaths: state.request.allowProtectedPaths === true,
    maxFilesChanged: services.limits.maxFilesChanged,
    maxLinesChanged: services.limits.maxLinesChanged,
  });
  state.guardrails = verdict;
  services.emit('guardrail-check', { passed: verdict.passed, violations: verdict.violations, files: verdict.files, lines: verdict.lines });
  const description = describeDelivery(state, files, diff, verdict);
  state.prTitle = description.title;
  state.prBody = description.body;
  if (!verdict.passed) {
    await unstageAll(location, signal);
    state.diff = redactSecrets(diff);
    state.failure = `guardrails stopped delivery: ${verdict.violations.join('; ')}`;
    return { status: 'failed', label: 'refused', note: state.failure };
  }
  state.diff = diff;
  // A retried task whose earlier attempt committed this very change keeps that commit: delivered once.
  const kept = state.retry?.commit ? await reuseEarlierCommit(location, state.retry.commit, signal) : undefined;
  state.commit = kept ?? (await commit(location, description.message, signal));
  services.emit('commit-create', { branch: state.branch, commit: state.commit, message: description.message, ...(kept === undefined ? {} : { reused: true }) });
  const note = `${files.length} files committed as ${state.commit.slice(0, 12)}`;
  return state.failure === undefined ? { status: 'ok', label: 'committed', note } : { status: 'failed', label: 'committed-failed', note: `${note}; ${state.failure}` };
}

/**
 * Why the repository cannot be delivered safely, checked before any git call of deliver:
 * the worktree's git metadata changed (a rewritten `.git` pointer, another HEAD), or git's
 * configuration changed during the run (a test script planting `core.fsmonitor` or a
 * filter driver in the user's `.git/config`). minions' git overrides those settings
 * anyway; a change is still refused, because it shows repository code wrote the user's
 * metadata, and the user must see it.
 */
async function gitTampering(state: RunState, location: GitLocation, signal: AbortSignal): Promise<string[]> {
  const metadata = await gitMetadataChanges(location);
  if (metadata.length > 0) return metadata.map((change) => `git metadata tampered with: ${change}`);
  const config = configChanges(state.gitConfig, await readConfig(location.workTree, signal, location));
  return config.map((change) => `git configuration changed during the run: ${change}`);
}
