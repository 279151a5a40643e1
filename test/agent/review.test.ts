// The reviewer node end to end: the scripted Ollama (which holds replies to the request's
// `format` as a real one does) drives the real runner on a real git repository whose tests
// really run; the reviewer is a second structured turn after the checks pass.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultBlueprint, resolveLimits } from '../../agent/index.js';
import type { ReviewFinding } from '../../schemas/index.js';
import { ollamaFaults, startScriptedOllama, type ChatReply, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, textModel, toolModel } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = (summary: string): ChatReply => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });
const implemented: ChatReply[] = [{ toolCalls: [fixAdd] }, finish('add() now adds.')];
const answer = (findings: Partial<ReviewFinding>[], summary = 'Reviewed.'): ChatReply => ({ content: JSON.stringify({ findings, summary }) });
const prompt = 'Fix the add function in src/math.js: it subtracts.';
/** A reviewer with a small context: its replies are cut at num_predict (512 tokens) as Ollama cuts them. */
const smallReviewer = 'reviewer:3b';

function chatBodies(ollama: ScriptedOllama, from: number): ChatRequestBody[] {
  return ollama.requestsTo('/api/chat').slice(from).map((request) => request.body as ChatRequestBody).filter((body) => (body.messages?.length ?? 0) > 0);
}

describe('agent review: a second model reviews the change', () => {
  let ollama: ScriptedOllama;
  let oldOllama: ScriptedOllama;
  before(async () => {
    const models = [
      { name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] },
      { name: textModel, architecture: 'llama', contextLength: 8192, capabilities: ['completion'] },
      { name: smallReviewer, architecture: 'llama', contextLength: 2048, capabilities: ['completion'] },
    ];
    ollama = await startScriptedOllama({ models });
    // Before 0.5 Ollama ignores a JSON schema `format`: replies come as the model likes them.
    oldOllama = await startScriptedOllama({ models, version: '0.4.7' });
  });
  after(async () => {
    await ollama.close();
    await oldOllama.close();
  });

  it('sends the findings schema as format and delivers a change without findings, with the review in the result, events and PR body', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([...implemented, answer([], 'add() is fixed and tested.')]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(repo, ollama, { prompt, review: true });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const review = chatBodies(ollama, earlier).at(-1);
    const format = review?.format as { type: string; required: string[]; properties: { findings: { items: { properties: { severity: { anyOf: { const: string }[] } } } } } };
    assert.equal(format.type, 'object');
    assert.deepEqual(format.required, ['findings', 'summary']);
    assert.deepEqual(format.properties.findings.items.properties.severity.anyOf.map((member) => member.const), ['info', 'minor', 'major', 'critical']);
    assert.equal(review?.tools, undefined, 'the reviewer gets no tools');
    assert.match(review?.messages?.[1]?.content ?? '', /# Diff\n```diff\ndiff --git a\/src\/math\.js b\/src\/math\.js[\s\S]*\+ {2}return a \+ b;/);
    assert.match(review?.messages?.[1]?.content ?? '', /## AGENTS\.md\n# Agents/, 'the rule files in scope');
    assert.match(review?.messages?.[1]?.content ?? '', /# Checks\n- node --test test\/math\.test\.js: passed\n- npm test: passed\n\n# Files changed\n- src\/math\.js \(modified, \+1 -1\)\n/);
    assert.deepEqual(result?.review && { ...result.review, durationMs: 0 }, { model: toolModel, round: 0, findings: [], severe: 0, action: 'none', summary: 'add() is fixed and tested.', durationMs: 0 });
    assert.match(result?.prBody ?? '', /## Review\nReviewed by `coder:7b`: no severe findings\. add\(\) is fixed and tested\.\n\nNo findings\./);
    assert.deepEqual(eventsOf(events, 'review-start'), [{ model: toolModel, round: 0, files: 1, diffTokens: eventsOf(events, 'review-start')[0]?.diffTokens, cut: [] }]);
    assert.equal((eventsOf(events, 'review-end')[0]?.review as { action: string }).action, 'none');
    assert.deepEqual(eventsOf(events, 'node-end').map((node) => `${node.node}:${node.outcome}`).slice(-4), ['review:approved', 'deliver:committed', 'publish:not-configured', 'cleanup:ok']);
    await repo.dispose();
  });

  it('sends a severe finding back for one fix round, checks and reviews again, then delivers', async () => {
    const repo = await makeRepo(calculatorFiles);
    const unrelated = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a * b;', replace: '  return Math.imul(a, b);' } };
    const restore = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return Math.imul(a, b);', replace: '  return a * b;' } };
    ollama.setChat([
      { toolCalls: [fixAdd] },
      { toolCalls: [unrelated] },
      finish('add() adds; multiply uses Math.imul.'),
      answer([{ severity: 'major', category: 'unrelated-change', file: 'src/math.js', line: 6, message: 'multiply() was changed, which the task did not ask for.' }, { severity: 'info', category: 'style', file: null, line: null, message: 'Fine otherwise.' }]),
      { toolCalls: [restore] },
      finish('Restored multiply().'),
      answer([]),
    ]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(repo, ollama, { prompt, review: true, maxFixRounds: 0 });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.rounds, 1, 'one fix round for the review, beyond maxFixRounds');
    assert.doesNotMatch(result?.diff ?? '', /imul/);
    assert.deepEqual([result?.review?.round, result?.review?.action, result?.review?.findings.length], [1, 'none', 0]);
    const fixPrompt = chatBodies(ollama, earlier)[4]?.messages?.[1]?.content ?? '';
    assert.match(fixPrompt, /# Review findings \(fix round 1\)\nSevere findings \(address each one\):\n- major unrelated-change src\/math\.js:6: multiply\(\) was changed/);
    assert.match(fixPrompt, /Other findings[^\n]*\n- info style: Fine otherwise\./);
    const ends = eventsOf(events, 'review-end').map((event) => event.review as { action: string; severe: number });
    assert.deepEqual(ends.map((review) => [review.action, review.severe]), [['fix', 1], ['none', 0]]);
    assert.deepEqual(eventsOf(events, 'node-end').map((node) => `${node.node}:${node.outcome}`).slice(4), ['checks:passed', 'review:severe-fix', 'fix:finished', 'checks:passed', 'review:approved', 'deliver:committed', 'publish:not-configured', 'cleanup:ok']);
    await repo.dispose();
  });

  it('stops delivery under the stop policy: the change is committed for a human and the task fails with the findings', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([...implemented, answer([{ severity: 'critical', category: 'correctness', file: 'src/math.js', line: 2, message: 'add() overflows on large inputs.' }])]);
    const { result } = await runTask(repo, ollama, { prompt, reviewPolicy: 'stop', review: true });
    assert.equal(result?.outcome, 'failed');
    assert.match(result?.reason ?? '', /^the review found 1 severe finding: critical correctness src\/math\.js:2: add\(\) overflows/);
    assert.ok(result?.commit, 'committed for a human');
    assert.equal(git(repo.root, 'rev-parse', result?.branch ?? ''), result?.commit);
    assert.match(result?.prTitle ?? '', /^WIP: /);
    assert.match(result?.prBody ?? '', /## Review\nReviewed by `coder:7b`: severe findings stopped delivery[^\n]*\n\n- \*\*critical\*\* correctness `src\/math\.js:2`: add\(\) overflows/);
    assert.equal(result?.review?.action, 'stop');
    await repo.dispose();
  });

  it('asks again after a reply cut at num_predict, on a separate review model, and reads the shorter answer', async () => {
    const repo = await makeRepo(calculatorFiles);
    const many = Array.from({ length: 20 }, (_, index) => ({ severity: 'minor' as const, category: 'style' as const, file: 'src/math.js', line: 1, message: `Finding number ${index} about the naming and the spacing of the function add and its callers in this module.` }));
    ollama.setChat([...implemented, answer(many), answer([{ severity: 'minor', category: 'style', file: 'src/math.js', line: 1, message: 'Naming.' }], 'Fine.')]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(repo, ollama, { prompt, reviewModel: smallReviewer });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.review?.model, smallReviewer);
    assert.deepEqual(result?.review?.findings.map((finding) => finding.message), ['Naming.']);
    assert.match(result?.review?.notes?.[0] ?? '', /^answer 1 could not be read: the answer was cut at the length limit: the JSON ended early/);
    const bodies = chatBodies(ollama, earlier);
    assert.equal(bodies[2]?.model, smallReviewer);
    assert.equal(bodies[2]?.options?.num_predict, 512);
    assert.match(bodies[3]?.messages?.at(-1)?.content ?? '', /could not be read: the answer was cut[\s\S]*at most 10 findings/);
    assert.deepEqual(eventsOf(events, 'model-call').filter((call) => call.node === 'review').map((call) => call.doneReason), ['length', 'stop']);
    assert.deepEqual(eventsOf(events, 'run-start')[0]?.models, { implement: toolModel, fix: toolModel, review: smallReviewer });
    await repo.dispose();
  });

  it("cuts a diff larger than the reviewer's context per file, with a note, and the prompt fits", async () => {
    const repo = await makeRepo(calculatorFiles);
    const big = Array.from({ length: 120 }, (_, index) => `export const table${index} = [${index}, ${index * 2}, 'entry number ${index} of the lookup table'];`).join('\n');
    ollama.setChat([{ toolCalls: [fixAdd, { name: 'create_file', arguments: { path: 'src/table.js', content: `${big}\n` } }] }, finish('add() adds; a table.'), answer([], 'Seen.')]);
    const contexts = ollama.chatContexts.length;
    const { result, events } = await runTask(repo, ollama, { prompt, reviewModel: smallReviewer });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.deepEqual(eventsOf(events, 'review-start')[0]?.cut, ['src/table.js']);
    assert.match(result?.review?.notes?.[0] ?? '', /^the diff of src\/table\.js was cut to \d+ of 126 lines to fit the reviewer's context$/);
    const review = ollama.chatContexts.slice(contexts).at(-1);
    assert.equal(review?.dropped, 0, 'Ollama dropped nothing of the review prompt');
    assert.ok((review?.renderedTokens ?? Infinity) + 512 <= 2048, `the prompt (${review?.renderedTokens} tokens) leaves the reply its num_predict`);
    const sent = review?.messages.at(-1)?.content ?? '';
    assert.match(sent, /\+ {2}return a \+ b;/, 'the small file whole');
    assert.match(sent, /\[minions: the diff of src\/table\.js is cut here: \d+ of 126 lines shown; the rest was not reviewed\]/);
    await repo.dispose();
  });

  it('reads JSON wrapped in prose and a fence from a server that ignores format', async () => {
    const repo = await makeRepo(calculatorFiles);
    const json = JSON.stringify({ findings: [{ severity: 'High', category: 'security', file: 'b/src/math.js', line: '2', message: 'Inputs are not validated.' }], summary: 'One issue.' }, null, 2);
    oldOllama.setChat([...implemented, { content: `Here is my review:\n\n\`\`\`json\n${json}\n\`\`\`\n\nLet me know if you need more.` }, finish('Checked the inputs.'), answer([])]);
    const { result, events } = await runTask(repo, oldOllama, { prompt, review: true });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const first = eventsOf(events, 'review-end')[0]?.review as { findings: ReviewFinding[]; action: string; notes: string[] };
    assert.deepEqual(first.findings, [{ severity: 'major', category: 'security', file: 'src/math.js', line: 2, message: 'Inputs are not validated.', source: 'model' }]);
    assert.equal(first.action, 'fix');
    assert.deepEqual(first.notes, ['severity "high" read as major']);
    assert.equal(result?.rounds, 1);
    await repo.dispose();
  });

  it('goes on unreviewed, with a warning, when the answer cannot be read twice', async () => {
    const repo = await makeRepo(calculatorFiles);
    oldOllama.setChat([...implemented, { content: 'The change looks fine to me.' }, { content: 'Really, it is fine.' }]);
    const { result } = await runTask(repo, oldOllama, { prompt, review: true });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.review?.action, 'failed');
    assert.match(result?.review?.notes?.at(-1) ?? '', /could not be read after 2 attempts: the JSON is invalid at character 0/);
    assert.match(result?.warnings?.[0] ?? '', /^The reviewer \(coder:7b\) failed: .*The change was not reviewed by a model\.$/);
    assert.match(result?.prBody ?? '', /## Review\nReviewed by `coder:7b`: the reviewer failed/);
    await repo.dispose();
  });

  it('goes on unreviewed when the reviewer model fails on every attempt', async () => {
    const repo = await makeRepo(calculatorFiles);
    const down: ChatReply = { fault: ollamaFaults.runnerTerminated };
    ollama.setChat([...implemented, down, down, down]);
    const { result, events } = await runTask(repo, ollama, { prompt, review: true });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.ok(result?.commit);
    assert.equal(result?.review?.action, 'failed');
    assert.match(result?.review?.notes?.at(-1) ?? '', /runner/i);
    assert.equal(eventsOf(events, 'model-retry').filter((retry) => retry.node === 'review').length, 2);
    assert.equal(eventsOf(events, 'node-end').find((node) => node.node === 'review')?.outcome, 'reviewer-failed');
    await repo.dispose();
  });

  it('goes on unreviewed when Ollama is gone by the time of the review', async () => {
    const repo = await makeRepo(calculatorFiles);
    const dying = await startScriptedOllama({ models: [{ name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }], chat: implemented });
    const stop = (event: { type: string; data: unknown }): void => {
      // Ollama stops between the checks and the review: the reviewer finds nothing listening.
      if (event.type === 'node-start' && (event.data as { node: string }).node === 'review') void dying.close();
    };
    const { result, events } = await runTask(repo, dying, { prompt, review: true }, { onEvent: stop });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.ok(result?.commit, 'delivered without the review');
    assert.equal(result?.review?.action, 'failed');
    assert.match(result?.review?.notes?.at(-1) ?? '', /ECONNREFUSED|not reachable|not running/i);
    assert.match(result?.warnings?.join('\n') ?? '', /The reviewer \(coder:7b\) failed/);
    assert.ok(eventsOf(events, 'model-retry').some((retry) => retry.node === 'review'), 'retried before giving up');
    await repo.dispose();
  });

  it("gives up on a reviewer that never answers at its own deadline, inside the node's time limit, and delivers", async () => {
    const repo = await makeRepo(calculatorFiles);
    // The review node's limit leaves the reviewer 1 s (its deadline is 30 s before the node's).
    const blueprint = defaultBlueprint(resolveLimits());
    const quick = { ...blueprint, name: 'quick-review', nodes: blueprint.nodes.map((node) => (node.name === 'review' ? { ...node, limits: { ...node.limits, timeoutMs: 31_000 } } : node)) };
    ollama.setChat((_request, turn) => (turn < implemented.length ? (implemented[turn] as ChatReply) : new Promise<ChatReply>(() => undefined)));
    const { result } = await runTask(repo, ollama, { prompt, review: true, blueprint: 'quick-review' }, { blueprints: { 'quick-review': quick } });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.review?.action, 'failed');
    assert.deepEqual(result?.review?.notes, ['the reviewer did not answer in time']);
    await repo.dispose();
  });

  it('drops a finding on a file the change does not touch, and a line past the end of its file', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([...implemented, answer([{ severity: 'critical', category: 'security', file: 'src/auth.js', line: 3, message: 'Hard-coded password.' }, { severity: 'minor', category: 'style', file: 'math.js', line: 2, message: 'Spacing.' }, { severity: 'info', category: 'other', file: 'src/math.js', line: 99, message: 'Beyond the end.' }])]);
    const { result } = await runTask(repo, ollama, { prompt, review: true });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.deepEqual(result?.review?.findings.map((finding) => [finding.file, finding.line, finding.message]), [['src/math.js', 2, 'Spacing.'], ['src/math.js', null, 'Beyond the end.']]);
    assert.equal(result?.review?.severe, 0);
    assert.deepEqual(result?.review?.notes, [
      'a critical finding on src/auth.js, a file the change does not touch, was dropped: Hard-coded password.',
      'line 99 of src/math.js does not exist (it has 7 lines); the finding is kept without it',
    ]);
    await repo.dispose();
  });

  it('finds a deleted test file and a removed test case itself when the model misses them', async () => {
    const repo = await makeRepo({ ...calculatorFiles, 'test/extra.test.js': "import { test } from 'node:test';\ntest('extra', () => {});\n" });
    const removeCase = { name: 'edit_file', arguments: { path: 'test/math.test.js', search: "test('multiply', () => assert.equal(multiply(2, 3), 6));\n", replace: '' } };
    ollama.setChat([{ toolCalls: [fixAdd, removeCase, { name: 'delete_file', arguments: { path: 'test/extra.test.js' } }] }, finish('Fixed add.'), answer([], 'Looks good.')]);
    const { result, events } = await runTask(repo, ollama, { prompt, review: true, reviewPolicy: 'stop' });
    assert.deepEqual(eventsOf(events, 'check-end').map((check) => check.command), ['node --test test/math.test.js', 'npm test'], 'the deleted test file is not named to the test runner');
    assert.equal(result?.outcome, 'failed');
    assert.deepEqual(result?.review?.findings, [
      { severity: 'major', category: 'tests-weakened', file: 'test/extra.test.js', line: null, message: 'The test file test/extra.test.js is deleted.', source: 'harness' },
      { severity: 'major', category: 'tests-weakened', file: 'test/math.test.js', line: null, message: '1 test case(s) removed from test/math.test.js (1 removed, 0 added).', source: 'harness' },
    ]);
    assert.equal(result?.review?.severe, 2);
    assert.match(result?.reason ?? '', /^the review found 2 severe findings/);
    assert.match(result?.prBody ?? '', /The test file test\/extra\.test\.js is deleted\. \(found by minions in the diff\)/);
    await repo.dispose();
  });
});
