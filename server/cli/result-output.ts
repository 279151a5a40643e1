// A task's result as the CLI prints it, whichever process ran the task (`minions run` in
// this one, `minions tasks follow` a server's). Light on purpose: no agent, no index.
import type { TaskResult } from '../../schemas/index.js';
import { describeReview } from './review-output.js';

/** One check of the summary: `passed`, `FAILED` (new failures), `failed before` (no worse than the base), `unavailable`. */
function checkSummary(check: TaskResult['checks'][number]): string {
  const word = check.status === 'failed-before' ? 'failed before' : check.status === 'unavailable' ? 'unavailable' : check.passed ? 'passed' : 'FAILED';
  const preexisting = check.preexisting !== undefined && check.preexisting.length > 0 ? ` (failing before the change: ${check.preexisting.join(', ')})` : '';
  return `  ${word}  ${check.command}${preexisting}`;
}

/** What publishing did: the push, the pull request, or why it failed (the local commit stands either way). */
function publicationLines(publication: NonNullable<TaskResult['publication']>): string[] {
  const { push, pullRequest, error } = publication;
  return [
    ...(push ? [`Pushed: ${push.branch} to ${push.remote}${push.alreadyPresent ? ' (already there)' : ''}`] : []),
    ...(pullRequest ? [`Pull request: ${pullRequest.url}${pullRequest.draft ? ' (draft)' : ''}${pullRequest.created ? '' : ' (already open)'}`] : []),
    ...(error ? [`Publishing failed: ${error}`] : []),
  ];
}

/** The summary of a task's result that `minions run` and `minions tasks follow|show` print: outcome, branch, PR title, checks, guardrails, costs. */
export function describeResult(result: TaskResult, repo: string): string {
  const checks = result.checks.map(checkSummary).join('\n');
  const lines = [
    `${result.outcome === 'succeeded' ? 'Succeeded' : 'Failed'}${result.reason ? `: ${result.reason}` : ''}`,
    `Branch: ${result.branch === null ? 'none (nothing committed, so none was left behind)' : `${result.branch}${result.commit ? ` (commit ${result.commit.slice(0, 12)})` : ' (nothing committed)'}`}`,
    `PR title: ${result.prTitle || '-'}`,
    `Checks:${checks === '' ? ' none' : `\n${checks}`}`,
    `Guardrails: ${result.guardrails.passed ? 'passed' : result.guardrails.violations.join('; ') || 'not run'}`,
    ...(result.review === undefined ? [] : [`Review: ${describeReview(result.review, '  ').join('\n')}`]),
    `Fix rounds: ${result.rounds}; tokens: ${result.tokens.input} in / ${result.tokens.output} out; ${(result.wallMs / 1000).toFixed(1)} s`,
    ...(result.warnings ?? []).map((warning) => `Warning: ${warning}`),
    ...(result.notCommitted && result.notCommitted.length > 0 ? [`Not committed (created by commands): ${result.notCommitted.join(', ')}`] : []),
  ];
  if (result.checkout !== undefined) {
    const { uncommitted, included } = result.checkout;
    lines.push(included ? `Started from the working tree: ${uncommitted.length} uncommitted change(s) were committed first on the branch.` : `Not included: ${uncommitted.length} uncommitted change(s) in your checkout (${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? ', …' : ''}); --from-working-tree starts from them.`);
  }
  if (result.publication !== undefined) lines.push(...publicationLines(result.publication));
  if (result.commit && result.branch !== null) lines.push(`See the change: git -C ${JSON.stringify(repo)} show ${result.branch}`);
  return `${lines.join('\n')}\n`;
}

