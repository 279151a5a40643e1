// checks: the repository's own formatter, linter and tests in the worktree. Its outcome
// says whether they passed, found nothing to run, failed with fix rounds left, or failed
// with none left; the default blueprint routes these to deliver, fix, or deliver.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { discoverChecks } from '../checks/discover.js';
import { blocks, runChecks } from '../checks/run-checks.js';
import { changeSet } from '../workspace/change-set.js';
import { changedPaths } from '../workspace/git.js';
import { requireGit, requireWorktree } from './context.js';

/**
 * The outcome labels of checks: `passed`, `passed-with-preexisting-failures` (what fails
 * failed the same way at the base), `no-checks`, `checks-failed` (new failures, a fix
 * round left), `rounds-exhausted`.
 */
export const checksOutcomes = ['passed', 'passed-with-preexisting-failures', 'no-checks', 'checks-failed', 'rounds-exhausted'] as const;

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
  const location = requireGit(state.git);
  const changed = (await changeSet(location, state.linked, new Set([...state.touched, ...state.autofixed]), signal)).deliverable;
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
    ...(state.baseline ? { baseline: state.baseline } : {}),
    changedPaths: () => changedPaths(location, state.linked, signal),
  });
  for (const path of outcome.autofixed) state.autofixed.add(path);
  state.checks = outcome.results;
  state.checksPassed = outcome.passed;
  state.failures = outcome.failures;
  const before = outcome.results.filter((check) => check.status === 'failed-before').length;
  const unavailable = outcome.results.filter((check) => check.status === 'unavailable').length;
  const summary = `${outcome.results.filter((check) => check.passed).length}/${outcome.results.length} passed${before > 0 ? `, ${before} failing as before the change` : ''}${unavailable > 0 ? `, ${unavailable} unavailable` : ''}`;
  if (outcome.passed) return before > 0 ? { status: 'ok', label: 'passed-with-preexisting-failures', note: summary } : { status: 'ok', label: 'passed', note: summary };
  const maxRounds = state.request.maxFixRounds ?? services.limits.maxFixRounds;
  if (state.rounds < maxRounds) return { status: 'failed', label: 'checks-failed', note: `${summary}; fix round ${state.rounds + 1} of ${maxRounds}` };
  state.failure = `checks still fail after ${state.rounds} fix round${state.rounds === 1 ? '' : 's'}: ${outcome.results.filter(blocks).map((check) => check.command).join(', ')}`;
  return { status: 'failed', label: 'rounds-exhausted', note: summary };
}
