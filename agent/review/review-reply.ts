// The reviewer's reply as models really send it. Ollama constrains it to the schema sent as
// `format`, but a reply can still be cut at num_predict, come from a server that ignores
// `format` (before 0.5) and so be wrapped in prose or a code fence, or use words of its own
// for severities. What can be read is read; what cannot is an error the model is shown.
import { maxReviewFindings, type ReviewCategory, type ReviewFinding, type ReviewSeverity } from '../../schemas/index.js';
import { parseNearJson } from '../model/near-json.js';

/** A reply read into findings (with notes on what was changed to read it), or why it cannot be read. */
export type ReadReview = { ok: true; findings: ReviewFinding[]; summary: string; notes: string[] } | { ok: false; error: string };

const severities: readonly ReviewSeverity[] = ['info', 'minor', 'major', 'critical'];
const categories: readonly ReviewCategory[] = ['security', 'tests-weakened', 'unrelated-change', 'correctness', 'rules', 'style', 'other'];

/** Words models use for severities instead of the schema's. */
const severityWords: Readonly<Record<string, ReviewSeverity>> = {
  blocker: 'critical', high: 'major', error: 'major', serious: 'major', medium: 'minor', moderate: 'minor', low: 'minor', warning: 'minor', note: 'info', suggestion: 'info', nit: 'info',
};

/** The categories whose major findings are severe (besides any critical one). */
const severeCategories: ReadonlySet<ReviewCategory> = new Set(['security', 'tests-weakened', 'unrelated-change']);

/** Severe: any critical finding, or a major one about security, weakened tests or changes the task did not ask for. */
export function isSevere(finding: ReviewFinding): boolean {
  return finding.severity === 'critical' || (finding.severity === 'major' && severeCategories.has(finding.category));
}

/**
 * The JSON of a reply: the text itself when it starts as an object, else the first fenced
 * block, else from the first `{` to the last `}` (a model that explains before or after).
 */
export function jsonOfReply(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) return trimmed;
  const fence = /```[a-zA-Z]*\s*\n([\s\S]*?)```/.exec(trimmed);
  if (fence?.[1] !== undefined && fence[1].trim().startsWith('{')) return fence[1].trim();
  const start = trimmed.indexOf('{');
  const end = trimmed.lastIndexOf('}');
  return start >= 0 && end > start ? trimmed.slice(start, end + 1) : trimmed;
}

/** Reads a reply's text into findings; `cut` says the reply ended at num_predict (the error says so). */
export function readReviewReply(text: string, cut: boolean): ReadReview {
  if (text.trim() === '') return { ok: false, error: cut ? 'the answer was cut at the length limit before any JSON' : 'the answer is empty' };
  const parsed = parseNearJson(jsonOfReply(text));
  if (!parsed.ok) return { ok: false, error: cut ? `the answer was cut at the length limit: ${parsed.error}` : parsed.error };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, error: 'the answer is not a JSON object' };
  const record = value as Record<string, unknown>;
  if (!Array.isArray(record.findings)) return { ok: false, error: 'the answer has no "findings" array' };
  const notes: string[] = [];
  const findings: ReviewFinding[] = [];
  for (const item of record.findings) {
    const finding = readFinding(item, notes);
    if (finding !== undefined) findings.push(finding);
  }
  if (findings.length > maxReviewFindings) notes.push(`${findings.length - maxReviewFindings} findings beyond the first ${maxReviewFindings} were left out`);
  const summary = typeof record.summary === 'string' ? record.summary.trim().slice(0, 4000) : '';
  return { ok: true, findings: findings.slice(0, maxReviewFindings), summary, notes };
}

/** One finding, its fields read leniently (unknown severity words mapped, a numeric string line read); without a message it is dropped. */
function readFinding(item: unknown, notes: string[]): ReviewFinding | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  const message = typeof record.message === 'string' ? record.message.trim() : '';
  if (message === '') {
    notes.push('a finding without a message was dropped');
    return undefined;
  }
  const word = typeof record.severity === 'string' ? record.severity.trim().toLowerCase() : '';
  const severity = severities.find((known) => known === word) ?? severityWords[word] ?? 'minor';
  if (!severities.includes(word as ReviewSeverity)) notes.push(`severity "${word}" read as ${severity}`);
  const categoryWord = typeof record.category === 'string' ? record.category.trim().toLowerCase().replace(/[\s_]+/g, '-') : '';
  const category = categories.find((known) => known === categoryWord) ?? 'other';
  // `src/a.js:12` in the file field: the line given there.
  const file = readPath(record.file);
  const at = file === null ? null : /^(.+):(\d+)$/.exec(file);
  const line = readLine(record.line) ?? (at ? Number(at[2]) : null);
  return { severity, category, file: at?.[1] ?? file, line, message: message.slice(0, 4000), source: 'model' };
}

function readPath(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const path = value.trim().replace(/^(?:[ab]\/|\.\/)/, '');
  return path === '' ? null : path;
}

function readLine(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : null;
}
