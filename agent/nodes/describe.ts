// The words of a delivery: the commit message, and the PR title and body (what, why,
// how it was tested, the checks' outcome, the guardrails' verdict).
import type { CheckResult, Review } from '../../schemas/index.js';
import type { GuardrailVerdict } from '../guardrails.js';
import type { RunState } from '../run-state.js';
import type { StagedFile } from '../workspace/git.js';
import { summaryText, whatSection } from './what-changed.js';

/**
 * A title from the task text: its first sentence or line, at most 72 characters. A plain
 * first word is capitalized ("fix the parser" -> "Fix the parser"); an identifier keeps
 * its case (`make_str(None)`, `parseURL`, `npm`-style paths), because code is case-sensitive.
 */
export function titleFromPrompt(prompt: string): string {
  const first = prompt.trim().split(/\n|(?<=[.!?])\s/)[0]?.trim().replace(/[.!?:;,]+$/, '') || 'Change';
  const word = /^\S+/.exec(first)?.[0] ?? '';
  const title = /^[a-z]+$/.test(word) ? first.charAt(0).toUpperCase() + first.slice(1) : first;
  return title.length <= 72 ? title : `${title.slice(0, 71).replace(/\s+\S*$/, '')}…`;
}

function checkLine(check: CheckResult): string {
  const exit = check.exitCode === null ? 'did not finish' : `failed (exit ${check.exitCode})`;
  const named = (label: string, names: readonly string[] | undefined): string => (names !== undefined && names.length > 0 ? `; ${label}: ${names.join(', ')}` : '');
  const status =
    check.status === 'unavailable' ? 'unavailable (its tool is not installed; not run)'
    : check.status === 'failed-before' ? `${exit}, as it did before the change${named('failing before the change', check.preexisting)}`
    : check.passed ? 'passed'
    : `${exit}${named('new failures', check.newFailures)}${named('failing before the change too', check.preexisting)}`;
  return `- \`${check.command}\` (${check.name}): ${status} in ${(check.durationMs / 1000).toFixed(1)} s${named('now passing', check.nowPassing)}`;
}

/** The verdict of the last checks: new failures block; failures that were there before and missing tools do not. */
function checksVerdict(state: RunState): string {
  if (!state.checksPassed) return `Checks failed after ${state.rounds} fix round${state.rounds === 1 ? '' : 's'}.`;
  const before = state.checks.filter((check) => check.status === 'failed-before');
  const unavailable = state.checks.filter((check) => check.status === 'unavailable');
  const parts = [before.length === 0 ? 'All blocking checks passed.' : `No new failures; ${before.map((check) => `\`${check.command}\``).join(', ')} failed before the change too (pre-existing failures, not caused by it).`];
  if (unavailable.length > 0) parts.push(`Unavailable (tool not installed): ${unavailable.map((check) => `\`${check.command}\``).join(', ')}.`);
  return parts.join(' ');
}

/** What a reviewer should know besides the checks: warnings, and the files commands created that were not committed. */
function reviewNotes(state: RunState): string {
  const notes = state.warnings.map((warning) => `**Warning:** ${warning}`);
  if (state.notCommitted.length > 0) {
    const shown = state.notCommitted.slice(0, 10).map((path) => `\`${path}\``).join(', ');
    notes.push(`Not committed (created by commands): ${shown}${state.notCommitted.length > 10 ? ` and ${state.notCommitted.length - 10} more` : ''}.`);
  }
  return notes.length > 0 ? `\n\n${notes.join('\n\n')}` : '';
}

/** How the change was tested, in prose. */
function testing(state: RunState): string {
  const plan = state.checkPlan;
  const planned = plan === undefined ? [] : [...plan.format, ...plan.fix, ...plan.lint, ...plan.test];
  if (state.checks.length === 0 && planned.length > 0) return `The checks (${planned.map((command) => `\`${command}\``).join(', ')}) did not run; the change is untested.${reviewNotes(state)}`;
  if (plan === undefined || state.checks.length === 0) return `No formatter, linter or tests were found in the repository; the change is untested.${reviewNotes(state)}`;
  const rounds = state.rounds > 0 ? ` ${state.rounds} fix round${state.rounds === 1 ? '' : 's'} were needed.` : '';
  return `Checks found in ${plan.sources.join(', ')} ran in the task's worktree (last run below). ${checksVerdict(state)}${state.checksPassed ? rounds : ''}\n\n${state.checks.map(checkLine).join('\n')}${reviewNotes(state)}`;
}

/** The commit message, PR title and PR body for the staged change. */
export function describeDelivery(state: RunState, files: readonly StagedFile[], diff: string, verdict: GuardrailVerdict): { title: string; body: string; message: string } {
  const failed = state.failure !== undefined || !verdict.passed;
  const title = `${failed ? 'WIP: ' : ''}${titleFromPrompt(state.request.prompt)}`;
  const summary = summaryText(state.summaries) || 'The model did not summarize its work.';
  const outcome = failed ? `**Failed:** ${state.failure ?? `guardrails: ${verdict.violations.join('; ')}`}` : '**Succeeded.**';
  const guardrails = verdict.passed ? `Passed (${verdict.files} files, ${verdict.lines} lines changed).` : `Failed:\n${verdict.violations.map((violation) => `- ${violation}`).join('\n')}`;
  const body = [
    `## What\n${whatSection(state.summaries, files, diff)}`,
    `## Why\n${state.request.prompt.trim()}`,
    `## How it was tested\n${testing(state)}`,
    ...(state.review === undefined ? [] : [`## Review\n${reviewSection(state.review)}`]),
    `## Outcome\n${outcome}`,
    `## Guardrails\n${guardrails}`,
    `---\nMade by minions task \`${state.taskId}\` from \`${state.base}\` (${state.baseCommit.slice(0, 12)}) on branch \`${state.branch}\`.${snapshotNote(state)}`,
  ].join('\n\n');
  const checks = state.checks.length === 0 ? 'Checks: none found.' : `Checks: ${state.checksPassed ? 'passed' : 'FAILED'} (${state.checks.map((check) => `${check.command}: ${check.passed ? 'ok' : (check.status ?? 'failed')}`).join(', ')}).`;
  const message = `${title}\n\n${wrap(summary)}\n\n${checks}\n\nMinions-Task: ${state.taskId}\n`;
  return { title, body, message };
}

const reviewActions: Record<Review['action'], string> = {
  none: 'no severe findings.',
  fix: 'severe findings were sent back for a fix round.',
  stop: 'severe findings stopped delivery; the change is committed for a human to decide.',
  failed: 'the reviewer failed, so the change was not reviewed by a model.',
};

/** The review for the PR body: who reviewed, what the run did, the findings (the harness's marked) and what the reviewer did not see. */
function reviewSection(review: Review): string {
  const round = (review.round ?? 0) > 0 ? ' after the fix round its findings asked for' : '';
  const head = `Reviewed by \`${review.model}\`${round}: ${reviewActions[review.action]}${review.summary ? ` ${review.summary}` : ''}`;
  const findings = review.findings.map((finding) => {
    const where = finding.file === null ? '' : ` \`${finding.file}${finding.line === null ? '' : `:${finding.line}`}\``;
    return `- **${finding.severity}** ${finding.category}${where}: ${finding.message}${finding.source === 'harness' ? ' (found by minions in the diff)' : ''}`;
  });
  const notes = (review.notes ?? []).map((note) => `- ${note}`);
  return [head, findings.length > 0 ? findings.join('\n') : 'No findings.', notes.length > 0 ? `Notes:\n${notes.join('\n')}` : ''].filter((part) => part !== '').join('\n\n');
}

/** The branch of a task started from the working tree begins with the user's uncommitted changes: reviewers must know. */
function snapshotNote(state: RunState): string {
  if (!state.checkout.included) return '';
  return ` The branch starts with a commit of the ${state.checkout.uncommitted.length} uncommitted change(s) of the working tree (${state.baseCommit.slice(0, 12)}, on top of HEAD); this change is the diff after it.`;
}

function wrap(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      const words = line.split(' ');
      const lines: string[] = [];
      let current = '';
      for (const word of words) {
        if (current !== '' && current.length + word.length + 1 > 72) {
          lines.push(current);
          current = word;
        } else current = current === '' ? word : `${current} ${word}`;
      }
      lines.push(current);
      return lines.join('\n');
    })
    .join('\n');
}
