// The default blueprint: prepare -> context -> baseline -> implement -> checks <-> fix -> review -> deliver
// -> publish, then clean-up, which always runs. The routes below are the whole of its control flow.
import type { Blueprint } from './blueprint.js';
import type { AgentLimits } from './limits.js';
import { fixFailures, fixOutcomes, implementOutcomes, implementTask } from './nodes/agentic.js';
import { baselineOutcomes, measureBaseline } from './nodes/baseline.js';
import { checksOutcomes, runRepositoryChecks } from './nodes/checks.js';
import { gatherContext } from './nodes/context.js';
import { deliverChange, deliverOutcomes } from './nodes/deliver.js';
import { cleanUpWorktree, prepareWorktree } from './nodes/prepare.js';
import { publishBranch, publishOutcomes } from './nodes/publish.js';
import { reviewChange, reviewOutcomes } from './nodes/review.js';

const minute = 60_000;

/** The default blueprint with its limits taken from the run's limits. */
export function defaultBlueprint(limits: AgentLimits): Blueprint {
  const checksTime = limits.checkTimeoutMs * 6 + minute;
  return {
    name: 'default',
    nodes: [
      { name: 'prepare', kind: 'deterministic', description: 'git worktree add at the base on a new branch', limits: { timeoutMs: 2 * minute, maxVisits: 1 }, outcomes: ['ok'], run: prepareWorktree },
      { name: 'context', kind: 'deterministic', description: 'rule files in scope and code retrieved for the task', limits: { timeoutMs: 2 * minute, maxVisits: 1 }, outcomes: ['ok'], run: gatherContext },
      {
        name: 'baseline', kind: 'deterministic', description: 'lint and tests on the base commit (cached), to judge the change by what it changes', limits: { timeoutMs: limits.checkTimeoutMs * 4 + minute, maxVisits: 1 }, run: measureBaseline,
        outcomes: baselineOutcomes, routes: { measured: 'implement', cached: 'implement', 'no-checks': 'implement' },
      },
      {
        name: 'implement', kind: 'agentic', description: 'tool-calling loop on the task', limits: { timeoutMs: 60 * minute, maxVisits: 1, loop: limits.implement }, run: implementTask,
        outcomes: implementOutcomes, routes: { finished: 'checks', stopped: 'checks', 'no-changes': 'fail', 'model-failed': 'deliver' },
      },
      {
        name: 'checks', kind: 'deterministic', description: 'format and lint autofixes, related tests, then the suite', limits: { timeoutMs: checksTime, maxVisits: 12 }, run: runRepositoryChecks,
        outcomes: checksOutcomes, routes: { passed: 'review', 'passed-with-preexisting-failures': 'review', 'no-checks': 'review', 'checks-failed': 'fix', 'rounds-exhausted': 'deliver' },
      },
      {
        name: 'fix', kind: 'agentic', description: 'repairs from the failing output, then checks again', limits: { timeoutMs: 30 * minute, maxVisits: 11, loop: limits.fix }, run: fixFailures,
        outcomes: fixOutcomes, routes: { finished: 'checks', stopped: 'checks', 'model-failed': 'deliver' },
      },
      { name: 'review', kind: 'agentic', description: 'a second model reviews the diff; severe findings: one fix round or stop', limits: { timeoutMs: 20 * minute, maxVisits: 2 }, run: reviewChange, outcomes: reviewOutcomes, routes: { approved: 'deliver', 'not-configured': 'deliver', 'severe-fix': 'fix', 'severe-stop': 'deliver', 'reviewer-failed': 'deliver' } },
      {
        name: 'deliver', kind: 'deterministic', description: 'guardrails, commit, diff, PR title and body', limits: { timeoutMs: 2 * minute, maxVisits: 1 }, run: deliverChange,
        outcomes: deliverOutcomes, routes: { committed: 'publish', 'committed-failed': 'publish', refused: 'fail' },
      },
      { name: 'publish', kind: 'deterministic', description: 'push the branch and open its pull request, when configured', limits: { timeoutMs: 5 * minute, maxVisits: 1 }, outcomes: publishOutcomes, run: publishBranch, routes: { published: 'cleanup', 'not-configured': 'cleanup', 'not-committed': 'cleanup', 'publish-failed': 'cleanup' } },
      { name: 'cleanup', kind: 'deterministic', description: 'remove the worktree, keep the branch', limits: { timeoutMs: 2 * minute, maxVisits: 2 }, outcomes: ['ok', 'skipped'], run: cleanUpWorktree, always: true },
    ],
  };
}
