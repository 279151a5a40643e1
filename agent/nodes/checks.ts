// checks: the repository's own formatter, linter and tests in the worktree. Its outcome
// says whether they passed, found nothing to run, failed with fix rounds left, or failed
// with none left; the default blueprint routes these to deliver, fix, or deliver.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { discoverChecks } from '../checks/discover.js';
import { runChecks } from '../checks/run-checks.js';
import { changedPaths } from '../workspace/git.js';
import { requireGit, requireWorktree } from './context.js';

/** The outcome labels of checks. */
export const checksOutcomes = ['passed', 'no-checks', 'checks-failed', 'rounds-exhausted'] as const;

/** Runs the checks and reports whether a fix round is left. */
export async function runRepositoryChecks({ state, services, signal, visit }: NodeContext): Promise<NodeOutcome<(typeof checksOutcomes)[number]>> {
  const worktree = requireWorktree(state.worktree);
  const plan = state.checkPlan ?? (await discoverChecks(worktree));
  state.checkPlan = plan;
  if (visit === 0) {
    services.emit('checks-discover', { source: plan.sources.join(', ') || 'none', format: plan.format, fix: plan.fix, lint: plan.lint, test: plan.test, related: plan.related ? [plan.related] : [] });
  }
  if (plan.format.length + plan.fix.length + plan.lint.length + plan.test.length + (plan.related ? 1 : 0) === 0) {
    state.checksPassed = undefined;
    return { status: 'skipped', label: 'no-checks', note: 'no formatter, linter or tests found' };
  }
  const changed = await changedPaths(requireGit(state.git), state.linked, signal);
  const outcome = await runChecks(plan, {
    worktree,
    changed,
    tracked: [...new Set([...state.tracked, ...changed])],
    env: services.env,
    ...(services.commandLauncher ? { launcher: services.commandLauncher } : {}),
    linked: state.linked,
    node: 'checks',
    timeoutMs: services.limits.checkTimeoutMs,
    maxOutputCharacters: services.limits.maxOutputCharacters,
    signal,
    emit: services.emit,
  });
  state.checks = outcome.results;
  state.checksPassed = outcome.passed;
  state.failures = outcome.failures;
  const summary = `${outcome.results.filter((check) => check.passed).length}/${outcome.results.length} passed`;
  if (outcome.passed) return { status: 'ok', label: 'passed', note: summary };
  const maxRounds = state.request.maxFixRounds ?? services.limits.maxFixRounds;
  if (state.rounds < maxRounds) return { status: 'failed', label: 'checks-failed', note: `${summary}; fix round ${state.rounds + 1} of ${maxRounds}` };
  state.failure = `checks still fail after ${state.rounds} fix round${state.rounds === 1 ? '' : 's'}: ${outcome.results.filter((check) => !check.passed && check.name !== 'format' && check.name !== 'fix').map((check) => check.command).join(', ')}`;
  return { status: 'failed', label: 'rounds-exhausted', note: summary };
}
