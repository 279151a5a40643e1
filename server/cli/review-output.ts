// The reviewer's verdict as the CLI prints it: in the live progress (`review-end`) and in
// the result summary of `minions run` and `minions tasks follow|show`.
import type { Review, ReviewFinding } from '../../schemas/index.js';

const actions: Record<Review['action'], string> = {
  none: 'no severe findings',
  fix: 'severe findings: one fix round',
  stop: 'severe findings: delivery stopped',
  failed: 'the reviewer FAILED; the change is unreviewed',
};

/** The findings shown one per line; the rest are counted (the full list is in the result and the PR body). */
const shownFindings = 10;

/** `major security src/a.js:12: message`, on one line. */
export function findingSummary(finding: ReviewFinding): string {
  const where = finding.file === null ? '' : ` ${finding.file}${finding.line === null ? '' : `:${finding.line}`}`;
  const message = finding.message.replace(/\s+/g, ' ').trim();
  return `${finding.severity} ${finding.category}${where}: ${message.length > 160 ? `${message.slice(0, 159)}…` : message}${finding.source === 'harness' ? ' (found by minions)' : ''}`;
}

/** The review in lines: the verdict, then the findings indented by `indent`. */
export function describeReview(review: Review, indent: string): string[] {
  const counted = `${review.findings.length} finding(s), ${review.severe} severe`;
  const lines = [`${review.model}${(review.round ?? 0) > 0 ? ' (after the fix round)' : ''}: ${counted}; ${actions[review.action]}`];
  for (const finding of review.findings.slice(0, shownFindings)) lines.push(`${indent}${findingSummary(finding)}`);
  if (review.findings.length > shownFindings) lines.push(`${indent}… and ${review.findings.length - shownFindings} more`);
  if (review.action === 'failed' && review.notes !== undefined && review.notes.length > 0) lines.push(`${indent}${review.notes.at(-1) ?? ''}`);
  return lines;
}
