// The end of a run as the caller sees it: the run state folded into a TaskResult.
import type { TaskResult } from '../schemas/index.js';
import type { RunState } from './run-state.js';

/** Folds a finished run's state into the TaskResult. */
export function taskResult(state: RunState, wallMs: number): TaskResult {
  return {
    outcome: state.failure === undefined && state.commit !== null ? 'succeeded' : 'failed',
    ...(state.failure === undefined ? {} : { reason: state.failure }),
    branch: state.branchDeleted ? null : state.branch,
    commit: state.commit,
    diff: state.diff,
    prTitle: state.prTitle,
    prBody: state.prBody,
    checks: state.checks,
    guardrails: { passed: state.guardrails?.passed ?? false, violations: state.guardrails?.violations ?? [] },
    rounds: state.rounds,
    tokens: state.tokens,
    wallMs,
    ...(state.checkout.uncommitted.length > 0 ? { checkout: state.checkout } : {}),
    ...(state.notCommitted.length > 0 ? { notCommitted: state.notCommitted } : {}),
    ...(state.warnings.length > 0 ? { warnings: state.warnings } : {}),
    ...(state.summaries.length > 0 ? { summaries: state.summaries.map((summary) => summary.text) } : {}),
    ...(state.publication === undefined ? {} : { publication: state.publication }),
    ...(state.review === undefined ? {} : { review: state.review }),
  };
}
