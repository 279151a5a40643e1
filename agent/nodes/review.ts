// review: after the checks pass, a second model reviews the change against the task and
// the rule files. Severe findings send the change back for one fix round (policy `fix`)
// or stop delivery (policy `stop`, or severe findings again after that round). A reviewer
// that fails does not stop the change: it goes on unreviewed, with a warning.
import { isAbortError } from '../../platform/index.js';
import type { Review, ReviewFinding, ReviewPolicy } from '../../schemas/index.js';
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import type { RunState } from '../run-state.js';
import { changeToReview, splitDiff } from '../review/review-diff.js';
import { checkFindingFiles, checkFindingLines, mergeFindings, testFindings } from '../review/review-facts.js';
import { readWorktreeFile } from '../workspace/regular-file.js';
import { requireWorktree } from './context.js';
import { isSevere } from '../review/review-reply.js';
import { askReviewer } from '../review/reviewer.js';

/**
 * The outcome labels of review: `approved` (no severe findings), `not-configured` (review
 * is off), `severe-fix` (one fix round for the findings), `severe-stop` (delivery stopped:
 * committed for a human, the run fails), `reviewer-failed` (the change goes on unreviewed).
 */
export const reviewOutcomes = ['approved', 'not-configured', 'severe-fix', 'severe-stop', 'reviewer-failed'] as const;
type ReviewLabel = (typeof reviewOutcomes)[number];

/** Reviews the change; see `reviewOutcomes` for what follows. */
export async function reviewChange(context: NodeContext): Promise<NodeOutcome<ReviewLabel>> {
  const { state, services, signal, visit } = context;
  const reviewer = services.reviewer;
  if (reviewer === undefined) return { status: 'skipped', label: 'not-configured', note: 'review is off' };
  const started = performance.now();
  const change = await changeToReview(state, signal);
  // A fix round that undid everything leaves nothing to review; deliver says so.
  if (change.files.length === 0) return { status: 'skipped', label: 'approved', note: 'no change to review' };
  const parts = splitDiff(change.diff, change.files);
  const harness = testFindings(change.files, parts, state.request.prompt);
  // The reviewer's own deadline, inside the node's: a reviewer that hangs fails the review, not the run.
  const deadline = AbortSignal.timeout(Math.max(1_000, context.limits.timeoutMs - 30_000));
  const base = { model: reviewer.model.info.name, round: visit };
  let review: Review;
  try {
    const answer = await askReviewer(
      { task: state.request.prompt, rules: state.rules, checks: checksLine(state), harness, parts, files: change.files },
      { model: reviewer.model, emit: services.emit, round: visit, signal: AbortSignal.any([signal, deadline]), spend: (input, output) => spend(state, input, output) },
    );
    const notes = [...answer.notes];
    const inDiff = answer.ok ? checkFindingFiles(answer.findings, parts.map((part) => part.path), notes) : [];
    const findings = answer.ok ? mergeFindings(checkFindingLines(inDiff, await lineCounts(state, inDiff), notes), harness) : harness;
    review = answer.ok
      ? { ...base, findings, severe: findings.filter(isSevere).length, action: 'none', summary: answer.summary, durationMs: 0, notes }
      : { ...base, findings, severe: findings.filter(isSevere).length, action: 'failed', durationMs: 0, notes: [...notes, answer.error] };
  } catch (error) {
    if (signal.aborted || (isAbortError(error) && !deadline.aborted)) throw error;
    const reason = deadline.aborted ? 'the reviewer did not answer in time' : error instanceof Error ? error.message : String(error);
    review = { ...base, findings: harness, severe: harness.filter(isSevere).length, action: 'failed', durationMs: 0, notes: [reason] };
  }
  return decide(context, review, reviewer.policy, started);
}

/** Applies the policy to a review, records it, and picks the label. */
function decide({ state, services, visit }: NodeContext, review: Review, policy: ReviewPolicy, started: number): NodeOutcome<ReviewLabel> {
  const severe = review.findings.filter(isSevere);
  const failed = review.action === 'failed';
  // Severe findings of the harness count even when the reviewer failed: they are facts.
  const action: Review['action'] = severe.length === 0 ? review.action : policy === 'fix' && visit === 0 ? 'fix' : 'stop';
  const done: Review = { ...review, action, durationMs: Math.round(performance.now() - started) };
  if (done.notes?.length === 0) delete done.notes;
  state.review = done;
  services.emit('review-end', { round: visit, review: done });
  if (failed) state.warnings.push(`The reviewer (${review.model}) failed: ${review.notes?.at(-1) ?? 'no answer'}. The change was not reviewed by a model.`);
  const counted = `${review.findings.length} finding${review.findings.length === 1 ? '' : 's'}, ${severe.length} severe`;
  if (done.action === 'fix') {
    state.failures = findingsText(severe, review.findings);
    state.fixFocus = 'review';
    return { status: 'failed', label: 'severe-fix', note: `${counted}: one fix round` };
  }
  if (done.action === 'stop') {
    state.failure ??= `the review found ${severe.length} severe finding${severe.length === 1 ? '' : 's'}${visit > 0 ? ' again after the fix round' : ''}: ${severe.map(findingLine).join('; ').slice(0, 1000)}`;
    return { status: 'failed', label: 'severe-stop', note: counted };
  }
  if (failed) return { status: 'failed', label: 'reviewer-failed', note: review.notes?.at(-1) ?? 'the reviewer failed' };
  return { status: 'ok', label: 'approved', note: counted };
}

/** A finding in one line: `major security src/a.js:12: message`. */
export function findingLine(finding: ReviewFinding): string {
  const where = finding.file === null ? '' : ` ${finding.file}${finding.line === null ? '' : `:${finding.line}`}`;
  return `${finding.severity} ${finding.category}${where}: ${finding.message}`;
}

/** What the fix round is given: the severe findings to address, then the others for context. */
function findingsText(severe: readonly ReviewFinding[], all: readonly ReviewFinding[]): string {
  const others = all.filter((finding) => !severe.includes(finding));
  const list = (findings: readonly ReviewFinding[]): string => findings.map((finding) => `- ${findingLine(finding)}`).join('\n');
  return `Severe findings (address each one):\n${list(severe)}${others.length > 0 ? `\n\nOther findings (fix them if it is quick and within the task):\n${list(others)}` : ''}`;
}

/** The checks' verdict as the reviewer is told it. */
function checksLine(state: RunState): string {
  if (state.checks.length === 0) return 'No formatter, linter or tests were found or run; the change is untested.';
  return state.checks.map((check) => `- ${check.command}: ${check.status ?? (check.passed ? 'passed' : 'failed')}`).join('\n');
}

/** The line count of each file the findings pin a line in, read through the sandboxed reader (undefined: the file is gone). */
async function lineCounts(state: RunState, findings: readonly ReviewFinding[]): Promise<Map<string, number | undefined>> {
  const worktree = requireWorktree(state.worktree);
  const files = [...new Set(findings.flatMap((finding) => (finding.file !== null && finding.line !== null ? [finding.file] : [])))];
  const counts = new Map<string, number | undefined>();
  for (const file of files) {
    const read = await readWorktreeFile(worktree, file);
    if (read.ok) counts.set(file, read.text.split('\n').length - (read.text.endsWith('\n') ? 1 : 0));
    else if (read.missing) counts.set(file, undefined);
  }
  return counts;
}

function spend(state: RunState, input: number, output: number): void {
  state.tokens.input += input;
  state.tokens.output += output;
}
