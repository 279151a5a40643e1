// What the harness checks itself rather than take the reviewer's word for: a finding must
// name a file of the diff (a model reviewing a diff invents paths), and deleted test
// files, removed test cases and newly skipped tests are counted from the diff, so they
// become findings even when the model misses them.
import type { ReviewFinding } from '../../schemas/index.js';
import { isTestPath } from '../checks/test-only.js';
import type { StagedFile } from '../workspace/git.js';
import type { FileDiff } from './review-diff.js';

/** A test case declared on a line: node:test/jest/mocha/vitest, pytest, Go, Rust, JUnit. */
const testCase = /^\s*(?:(?:it|test|specify)(?:\.(?:only|each\b[^(]*\)))?\s*\(|def test_\w*\s*\(|func Test\w*\s*\(|#\[test\]|@Test\b)/;
/** A test skipped on a line: `.skip(`, `xit(`, pytest's skip marks, Go's `t.Skip`, `#[ignore]`, JUnit's `@Disabled`. */
const skippedTest = /\b(?:(?:it|test|describe|suite)\.skip\s*\(|x(?:it|describe|test)\s*\(|@pytest\.mark\.skip|t\.Skip(?:Now|f)?\(|@(?:Disabled|Ignore)\b)|#\[ignore\]/;
/** The task itself asks to remove, skip or disable tests: then doing so is not severe. */
const asksForTestRemoval = /\b(?:remove|delete|drop|skip|disable)\b[^.\n]*\b(?:tests?|specs?|test cases?)\b/i;

/** The findings the harness makes from the diff: deleted test files, test cases removed, tests skipped. */
export function testFindings(files: readonly StagedFile[], parts: readonly FileDiff[], prompt: string): ReviewFinding[] {
  const asked = asksForTestRemoval.test(prompt);
  const severity = asked ? 'minor' : 'major';
  const suffix = asked ? ' (the task asks for it)' : '';
  const findings: ReviewFinding[] = [];
  const finding = (file: string, line: number | null, message: string): ReviewFinding => ({ severity, category: 'tests-weakened', file, line, message: `${message}${suffix}`, source: 'harness' });
  const moved = movedPaths(files, parts);
  for (const file of files) {
    if (file.status.startsWith('D') && isTestPath(file.path) && !moved.has(file.path)) findings.push(finding(file.path, null, `The test file ${file.path} is deleted.`));
  }
  for (const part of parts) {
    if (!isTestPath(part.path) || files.some((file) => file.path === part.path && file.status.startsWith('D'))) continue;
    const counts = countTestLines(part.text);
    if (counts.removed > counts.added) findings.push(finding(part.path, null, `${counts.removed - counts.added} test case(s) removed from ${part.path} (${counts.removed} removed, ${counts.added} added).`));
    if (counts.skipped.length > 0) findings.push(finding(part.path, counts.skipped[0] ?? null, `${counts.skipped.length} test(s) newly skipped in ${part.path}.`));
  }
  return findings;
}

/**
 * Deleted paths that moved rather than went: git's `rename from` in the diff, or an added
 * file of the same name elsewhere (when rename detection is off or the content changed a lot).
 */
function movedPaths(files: readonly StagedFile[], parts: readonly FileDiff[]): Set<string> {
  const moved = new Set(parts.flatMap((part) => /^rename from (.+)$/m.exec(part.text)?.[1] ?? []));
  const added = new Set(files.filter((file) => file.status.startsWith('A')).map((file) => file.path.split('/').pop()));
  for (const file of files) if (file.status.startsWith('D') && added.has(file.path.split('/').pop())) moved.add(file.path);
  return moved;
}

/** Test cases declared on removed and added lines, and the new-file line numbers of added skips. */
function countTestLines(text: string): { removed: number; added: number; skipped: number[] } {
  const counts = { removed: 0, added: 0, skipped: [] as number[] };
  let line = 0;
  for (const row of text.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(row);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (row.startsWith('+++') || row.startsWith('---')) continue;
    if (row.startsWith('-')) {
      if (testCase.test(row.slice(1))) counts.removed += 1;
      continue;
    }
    if (row.startsWith('+')) {
      if (testCase.test(row.slice(1))) counts.added += 1;
      if (skippedTest.test(row.slice(1))) counts.skipped.push(line);
    }
    if (row.startsWith('+') || row.startsWith(' ')) line += 1;
  }
  return counts;
}

/**
 * Keeps the model's findings that name a file of the diff (or none): a path given
 * relative to a subfolder is matched to the diff's file that ends with it; a finding on a
 * file the change does not touch is dropped, with a note.
 */
export function checkFindingFiles(findings: readonly ReviewFinding[], paths: readonly string[], notes: string[]): ReviewFinding[] {
  const kept: ReviewFinding[] = [];
  for (const finding of findings) {
    if (finding.file === null || paths.includes(finding.file)) {
      kept.push(finding);
      continue;
    }
    const file = finding.file;
    const matches = paths.filter((path) => path.endsWith(`/${file}`));
    if (matches.length === 1 && matches[0] !== undefined) kept.push({ ...finding, file: matches[0] });
    else notes.push(`a ${finding.severity} finding on ${file}, a file the change does not touch, was dropped: ${finding.message.slice(0, 200)}`);
  }
  return kept;
}

/**
 * Drops the line of a finding that points past the end of its file (or into a file the
 * change deleted): the finding stands, its pin does not. `lines` gives each file's line
 * count in the worktree, undefined when it is gone.
 */
export function checkFindingLines(findings: readonly ReviewFinding[], lines: ReadonlyMap<string, number | undefined>, notes: string[]): ReviewFinding[] {
  return findings.map((finding) => {
    if (finding.file === null || finding.line === null || !lines.has(finding.file)) return finding;
    const count = lines.get(finding.file);
    if (count !== undefined && finding.line <= count) return finding;
    notes.push(`line ${finding.line} of ${finding.file} does not exist (${count === undefined ? 'the file is deleted' : `it has ${count} lines`}); the finding is kept without it`);
    return { ...finding, line: null };
  });
}

/**
 * The harness's findings joined to the model's: where the model already reported weakened
 * tests in the same file, its finding stands (raised to the harness's severity if lower).
 */
export function mergeFindings(model: readonly ReviewFinding[], harness: readonly ReviewFinding[]): ReviewFinding[] {
  const rank = { info: 0, minor: 1, major: 2, critical: 3 } as const;
  const merged = [...model];
  for (const found of harness) {
    const index = merged.findIndex((finding) => finding.category === 'tests-weakened' && finding.file === found.file);
    const existing = merged[index];
    if (existing === undefined) merged.push(found);
    else if (rank[existing.severity] < rank[found.severity]) merged[index] = { ...existing, severity: found.severity };
  }
  return merged;
}
