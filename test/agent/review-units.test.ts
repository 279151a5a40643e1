// The reviewer's parts on their own: reading replies as models send them, fitting the diff
// into the reviewer's budget, the harness's own findings, the settings, and the scripted
// Ollama holding replies to the request's `format`.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ollama } from 'ollama';
import { reviewSettings } from '../../agent/review/review-settings.js';
import { fitDiff, splitDiff } from '../../agent/review/review-diff.js';
import { checkFindingFiles, checkFindingLines, mergeFindings, testFindings } from '../../agent/review/review-facts.js';
import { isSevere, jsonOfReply, readReviewReply } from '../../agent/review/review-reply.js';
import { reviewFormat, reviewPrompt } from '../../agent/review/reviewer.js';
import { estimateTokens } from '../../agent/limits.js';
import type { ReviewFinding } from '../../schemas/index.js';
import { startScriptedOllama, type ScriptedOllama } from '../support/scripted-ollama.js';
import { constrainsFormat, formatViolation } from '../support/scripted-ollama-format.js';

const finding = (fields: Partial<ReviewFinding>): ReviewFinding => ({ severity: 'minor', category: 'other', file: null, line: null, message: 'm', source: 'model', ...fields });

function fileDiff(path: string, lines: number, status = 'M'): { text: string; file: { status: string; path: string; added: number; removed: number; mode: string } } {
  const body = Array.from({ length: lines }, (_, index) => `+const value${index} = compute(${index}, 'some text to make the line longer');`).join('\n');
  return { text: `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n@@ -1,0 +1,${lines} @@\n${body}\n`, file: { status, path, added: lines, removed: 0, mode: '100644' } };
}

describe('review: reading the reviewer', () => {
  it('reads JSON as it comes: whole, fenced, in prose, near-JSON, with words of its own', () => {
    const json = '{"findings": [{"severity": "critical", "category": "security", "file": "./src/a.js", "line": 3, "message": "SQL built from input."}], "summary": "One issue."}';
    assert.equal(jsonOfReply(json), json);
    assert.equal(jsonOfReply(`Sure!\n\`\`\`json\n${json}\n\`\`\`\nDone.`), json);
    assert.equal(jsonOfReply(`My review: ${json} Thanks.`), json);
    const read = readReviewReply(json, false);
    assert.deepEqual(read, { ok: true, findings: [finding({ severity: 'critical', category: 'security', file: 'src/a.js', line: 3, message: 'SQL built from input.' })], summary: 'One issue.', notes: [] });
    const python = "{'findings': [{'severity': 'Blocker', 'category': 'Tests Weakened', 'file': None, 'line': '7', 'message': 'A test is skipped.'}, {'severity': 'low', 'message': ''}], 'summary': 'x',}";
    const lenient = readReviewReply(python, false);
    assert.ok(lenient.ok);
    assert.deepEqual(lenient.findings, [finding({ severity: 'critical', category: 'tests-weakened', file: null, line: 7, message: 'A test is skipped.' })]);
    assert.deepEqual(lenient.notes, ['severity "blocker" read as critical', 'a finding without a message was dropped']);
  });

  it('says why a reply cannot be read: empty, cut at the length limit, not an object, no findings array', () => {
    assert.deepEqual(readReviewReply('', false), { ok: false, error: 'the answer is empty' });
    assert.deepEqual(readReviewReply('{"findings": [{"severity": "ma', true), { ok: false, error: 'the answer was cut at the length limit: the JSON ended early at character 30 (a string never closed)' });
    assert.deepEqual(readReviewReply('[1, 2]', false), { ok: false, error: 'the answer is not a JSON object' });
    assert.deepEqual(readReviewReply('{}', false), { ok: false, error: 'the answer has no "findings" array' });
    assert.deepEqual(readReviewReply('{"findings": [], "summary": ""}', false), { ok: true, findings: [], summary: '', notes: [] });
  });

  it('counts as severe any critical finding and the major ones about security, weakened tests or unrelated changes', () => {
    assert.equal(isSevere(finding({ severity: 'critical', category: 'style' })), true);
    assert.equal(isSevere(finding({ severity: 'major', category: 'unrelated-change' })), true);
    assert.equal(isSevere(finding({ severity: 'major', category: 'correctness' })), false);
    assert.equal(isSevere(finding({ severity: 'minor', category: 'security' })), false);
  });
});

describe('review: the diff the reviewer sees', () => {
  it('splits the diff by file and keeps it whole when it fits', () => {
    const a = fileDiff('src/a.js', 3);
    const b = fileDiff('src/b c.js', 2);
    const parts = splitDiff(a.text + b.text, [a.file, b.file]);
    assert.deepEqual(parts.map((part) => part.path), ['src/a.js', 'src/b c.js']);
    const fitted = fitDiff(parts, 10_000);
    assert.deepEqual([fitted.text, fitted.cut, fitted.notes], [a.text + b.text, [], []]);
  });

  it('cuts the large files, never the small ones, each with a marker and a note, within the budget', () => {
    const small = fileDiff('src/small.js', 2);
    const large = fileDiff('src/large.js', 400);
    const parts = splitDiff(small.text + large.text, [small.file, large.file]);
    const budget = 1_000;
    const fitted = fitDiff(parts, budget);
    assert.ok(fitted.tokens <= budget, `${fitted.tokens} tokens within ${budget}`);
    assert.ok(fitted.text.startsWith(small.text), 'the small file whole, in order');
    assert.deepEqual(fitted.cut, ['src/large.js']);
    assert.match(fitted.notes[0] ?? '', /^the diff of src\/large\.js was cut to \d+ of 404 lines to fit the reviewer's context$/);
    assert.match(fitted.text, /\[minions: the diff of src\/large\.js is cut here: \d+ of 404 lines shown; the rest was not reviewed\]\n$/);
    assert.equal(estimateTokens(fitted.text), fitted.tokens);
  });

  it('leaves out a file whose header does not fit, and says so', () => {
    const parts = splitDiff(fileDiff('src/a.js', 50).text, [fileDiff('src/a.js', 50).file]);
    const fitted = fitDiff(parts, 5);
    assert.match(fitted.text, /^\[minions: the diff of src\/a\.js \(54 lines\) was left out/);
    assert.match(fitted.notes[0] ?? '', /left out/);
  });

  it('fits the prompt into the reviewer model context: rules, checks, the harness findings, then the diff', () => {
    const large = fileDiff('src/large.js', 2_000);
    const input = { task: 'Rename x.', rules: [{ path: 'AGENTS.md', folder: '', globs: undefined, alwaysApply: true, content: 'Two spaces.' }], checks: '- npm test: passed', harness: [finding({ category: 'tests-weakened', severity: 'major', file: 't.test.js', message: 'The test file t.test.js is deleted.' })], parts: splitDiff(large.text, [large.file]) };
    const prompt = reviewPrompt(input, 4096, 1024);
    assert.ok(estimateTokens(prompt.text) < 4096 - 1024, 'room for the system prompt and the reply');
    assert.match(prompt.text, /^# Task\nRename x\.\n\n# Rule files of the repository\n## AGENTS\.md\nTwo spaces\.\n\n# Checks\n- npm test: passed\n\n# Already found by the harness \(do not repeat these\)\n- major tests-weakened t\.test\.js: The test file/);
    assert.deepEqual(prompt.diff.cut, ['src/large.js']);
  });
});

describe('review: facts the harness checks itself', () => {
  const diff = [
    'diff --git a/test/a.test.js b/test/a.test.js',
    '--- a/test/a.test.js',
    '+++ b/test/a.test.js',
    '@@ -1,5 +1,4 @@',
    " import { test } from 'node:test';",
    "-test('one', () => {});",
    "-test('two', () => {});",
    "+test('three', () => {});",
    "+test.skip('four', () => {});",
    " // end",
    'diff --git a/tests/test_b.py b/tests/test_b.py',
    '--- a/tests/test_b.py',
    '+++ /dev/null',
    '@@ -1,2 +0,0 @@',
    '-def test_b():',
    '-    assert True',
    '',
  ].join('\n');
  const files = [
    { status: 'M', path: 'test/a.test.js', added: 2, removed: 2, mode: '100644' },
    { status: 'D', path: 'tests/test_b.py', added: 0, removed: 2, mode: '100644' },
  ];

  it('finds deleted test files, removed test cases and newly skipped tests, minor when the task asks for it', () => {
    const parts = splitDiff(diff, files);
    const found = testFindings(files, parts, 'Fix the parser.');
    assert.deepEqual(found, [
      finding({ severity: 'major', category: 'tests-weakened', file: 'tests/test_b.py', message: 'The test file tests/test_b.py is deleted.', source: 'harness' }),
      finding({ severity: 'major', category: 'tests-weakened', file: 'test/a.test.js', message: '1 test case(s) removed from test/a.test.js (2 removed, 1 added).', source: 'harness' }),
      finding({ severity: 'major', category: 'tests-weakened', file: 'test/a.test.js', line: 3, message: '1 test(s) newly skipped in test/a.test.js.', source: 'harness' }),
    ]);
    assert.ok(testFindings(files, parts, 'Remove the obsolete tests of the old parser.').every((item) => item.severity === 'minor' && item.message.endsWith('(the task asks for it)')));
  });

  it('does not count a moved test file as deleted, whether git saw the rename or not; reads a line given with the file', () => {
    const renamed = 'diff --git a/test/a.test.js b/test/unit/a.test.js\nsimilarity index 100%\nrename from test/a.test.js\nrename to test/unit/a.test.js\n';
    const moved = [{ status: 'D', path: 'test/a.test.js', added: 0, removed: 3, mode: '100644' }, { status: 'A', path: 'test/unit/a.test.js', added: 3, removed: 0, mode: '100644' }];
    assert.deepEqual(splitDiff(renamed, moved).map((part) => part.path), ['test/unit/a.test.js']);
    assert.deepEqual(testFindings(moved, splitDiff(renamed, moved), 'Move the tests.'), []);
    assert.deepEqual(testFindings(moved, [], 'Move the tests.'), []);
    const reply = '{"findings": [{"severity": "minor", "category": "style", "file": "src/a.js:12", "line": null, "message": "x"}], "summary": ""}';
    assert.deepEqual(readReviewReply(reply, false), { ok: true, findings: [finding({ file: 'src/a.js', line: 12, message: 'x', category: 'style' })], summary: '', notes: [] }, 'a line given in the file field');
  });

  it("drops the model's findings on files outside the diff, matches a shortened path, and merges the harness's", () => {
    const notes: string[] = [];
    const kept = checkFindingFiles([finding({ file: 'a.test.js', message: 'ok' }), finding({ file: 'src/ghost.js', severity: 'critical', message: 'invented' }), finding({ message: 'general' })], ['test/a.test.js', 'tests/test_b.py'], notes);
    assert.deepEqual(kept.map((item) => item.file), ['test/a.test.js', null]);
    assert.deepEqual(notes, ['a critical finding on src/ghost.js, a file the change does not touch, was dropped: invented']);
    const lines = new Map<string, number | undefined>([['test/a.test.js', 4], ['tests/test_b.py', undefined]]);
    const pinned = checkFindingLines([finding({ file: 'test/a.test.js', line: 4 }), finding({ file: 'test/a.test.js', line: 5 }), finding({ file: 'tests/test_b.py', line: 1 }), finding({ file: 'other.js', line: 9 })], lines, notes);
    assert.deepEqual(pinned.map((item) => item.line), [4, null, null, 9]);
    assert.deepEqual(notes.slice(1), ['line 5 of test/a.test.js does not exist (it has 4 lines); the finding is kept without it', 'line 1 of tests/test_b.py does not exist (the file is deleted); the finding is kept without it']);
    const harness = [finding({ severity: 'major', category: 'tests-weakened', file: 'test/a.test.js', source: 'harness' }), finding({ severity: 'major', category: 'tests-weakened', file: 'x.test.js', source: 'harness' })];
    const merged = mergeFindings([finding({ severity: 'minor', category: 'tests-weakened', file: 'test/a.test.js', message: 'model' })], harness);
    assert.deepEqual(merged.map((item) => [item.file, item.severity, item.source]), [['test/a.test.js', 'major', 'model'], ['x.test.js', 'major', 'harness']]);
  });
});

describe('review: settings', () => {
  const defaults = { model: 'coder:7b' };
  it('is off unless asked for or a review model is set; the task wins; the model defaults to the task model', () => {
    assert.deepEqual(reviewSettings(undefined, { repo: '/r', prompt: 'p' }, defaults), { enabled: false, model: 'coder:7b', policy: 'fix' });
    assert.deepEqual(reviewSettings(undefined, { repo: '/r', prompt: 'p', review: true, model: 'big:32b' }, defaults), { enabled: true, model: 'big:32b', policy: 'fix' });
    assert.deepEqual(reviewSettings({ model: 'judge:14b' }, { repo: '/r', prompt: 'p' }, defaults), { enabled: true, model: 'judge:14b', policy: 'fix' });
    assert.deepEqual(reviewSettings({ enabled: true }, { repo: '/r', prompt: 'p' }, { ...defaults, nodeModels: { review: 'judge:14b' } }), { enabled: true, model: 'judge:14b', policy: 'fix' });
    assert.deepEqual(reviewSettings({ model: 'judge:14b', policy: 'stop' }, { repo: '/r', prompt: 'p', review: false }, defaults).enabled, false);
    assert.deepEqual(reviewSettings({ enabled: false }, { repo: '/r', prompt: 'p', reviewModel: 'other:1b', reviewPolicy: 'stop' }, defaults), { enabled: true, model: 'other:1b', policy: 'stop' });
  });
});

describe('scripted Ollama: format', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startScriptedOllama({ models: [{ name: 'coder:7b', architecture: 'qwen2', contextLength: 4096, capabilities: ['completion'] }] });
  });
  after(async () => {
    await ollama.close();
  });

  it("checks a reply against the request's schema as Ollama's grammar would constrain it", () => {
    assert.equal(formatViolation(reviewFormat, '{"findings": [], "summary": "ok"}'), undefined);
    assert.equal(formatViolation(reviewFormat, '{"findings": [{"severity": "high", "category": "security", "file": null, "line": null, "message": "m"}], "summary": "s"}'), '$.findings[0].severity matches none of anyOf');
    assert.equal(formatViolation(reviewFormat, '{"findings": []}'), '$.summary is required');
    assert.equal(formatViolation(reviewFormat, '{"findings": [], "summary": "", "extra": 1}'), '$.extra is not allowed');
    assert.equal(formatViolation(reviewFormat, JSON.stringify({ findings: Array.from({ length: 21 }, () => ({ severity: 'info', category: 'other', file: null, line: null, message: 'm' })), summary: '' })), '$.findings has more than 20 items');
    assert.match(formatViolation('json', 'Sure: {}') ?? '', /^the reply is not JSON/);
    assert.equal(formatViolation(undefined, 'prose'), undefined);
    assert.deepEqual(['0.4.7', '0.5.0', '0.12.6', '1.0.0'].map(constrainsFormat), [false, true, true, true]);
  });

  it('refuses to send a scripted reply that breaks the format, but sends one cut at num_predict', async () => {
    const client = new Ollama({ host: ollama.host });
    const messages = [{ role: 'user', content: 'review' }];
    ollama.setChat([{ content: 'Looks fine!' }, { content: '{"findings": [{"sev', doneReason: 'length' }]);
    await assert.rejects(client.chat({ model: 'coder:7b', messages, format: reviewFormat, stream: false }), /breaks the request's format, which a real Ollama enforces: the reply is not JSON/);
    const cut = await client.chat({ model: 'coder:7b', messages, format: reviewFormat, stream: false });
    assert.deepEqual([cut.message.content, cut.done_reason], ['{"findings": [{"sev', 'length']);
  });
});
