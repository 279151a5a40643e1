// checks: the repository's own formatter, linter and tests in the worktree. Passing
// goes to deliver; failing goes to fix while rounds remain, then to deliver as a failure.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { discoverChecks } from '../checks/discover.js';
import { runChecks } from '../checks/run-checks.js';
import { changedPaths } from '../workspace/git.js';
import { requireWorktree } from './context.js';

/** Runs the checks and decides between fix and deliver. */
export async function runRepositoryChecks({ state, services, signal, visit }: NodeContext): Promise<NodeOutcome> {
  const worktree = requireWorktree(state.worktree);
  const plan = state.checkPlan ?? (await discoverChecks(worktree));
  state.checkPlan = plan;
  if (visit === 0) {
    services.emit('checks-discover', { source: plan.sources.join(', ') || 'none', format: plan.format, fix: plan.fix, lint: plan.lint, test: plan.test, related: plan.related ? [plan.related] : [] });
  }
  if (plan.format.length + plan.fix.length + plan.lint.length + plan.test.length + (plan.related ? 1 : 0) === 0) {
    state.checksPassed = undefined;
    return { status: 'skipped', note: 'no formatter, linter or tests found', next: 'deliver' };
  }
  const changed = await changedPaths(worktree, state.linked, signal);
  const outcome = await runChecks(plan, {
    worktree,
    changed,
    tracked: [...new Set([...state.tracked, ...changed])],
    env: services.env,
    prefix: services.commandPrefix ?? [],
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
  if (outcome.passed) return { status: 'ok', note: summary, next: 'deliver' };
  const maxRounds = state.request.maxFixRounds ?? services.limits.maxFixRounds;
  if (state.rounds < maxRounds) return { status: 'failed', note: `${summary}; fix round ${state.rounds + 1} of ${maxRounds}`, next: 'fix' };
  state.failure = `checks still fail after ${state.rounds} fix round${state.rounds === 1 ? '' : 's'}: ${outcome.results.filter((check) => !check.passed && check.name !== 'format' && check.name !== 'fix').map((check) => check.command).join(', ')}`;
  return { status: 'failed', note: summary, next: 'deliver' };
}
