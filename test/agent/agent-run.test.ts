// End-to-end scenarios of the default blueprint: the scripted Ollama on 127.0.0.1
// drives the real runner on a real git repository whose tests really run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama, type FixtureRepo } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };

describe('agent run: end to end', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
  });

  it('succeeds first time: edits, runs the checks, commits on its branch and leaves the checkout alone', async () => {
    repo = await makeRepo(calculatorFiles);
    const head = git(repo.root, 'rev-parse', 'HEAD');
    ollama.setChat([
      { content: 'Let me look.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] },
      { toolCalls: [fixAdd] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() subtracted; it now adds.' } }] },
    ]);
    const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix the add function in src/math.js: it subtracts.' });
    assert.equal(error, undefined);
    assert.ok(result);
    assert.equal(result.outcome, 'succeeded', result.reason);
    assert.match(result.branch ?? '', /^minions\/task1-fix-the-add-function/);
    assert.ok(result.commit);
    assert.match(result.diff, /^\+ {2}return a \+ b;$/m);
    assert.deepEqual(result.checks.map((check) => [check.name, check.command, check.passed]), [
      ['related-test', 'node --test test/math.test.js', true],
      ['test', 'npm test', true],
    ]);
    assert.equal(result.rounds, 0);
    assert.deepEqual(result.guardrails, { passed: true, violations: [] });
    assert.equal(result.prTitle, 'Fix the add function in src/math.js: it subtracts');
    assert.match(result.prBody, /## What\nadd\(\) subtracted/);
    assert.match(result.prBody, /## How it was tested/);
    assert.ok(result.tokens.input > 0 && result.tokens.output > 0);
    // The branch holds the commit; the user's checkout and HEAD are untouched; the worktree is gone.
    assert.equal(git(repo.root, 'rev-parse', result.branch ?? 'no-branch'), result.commit);
    assert.equal(git(repo.root, 'rev-parse', 'HEAD'), head);
    assert.equal(git(repo.root, 'status', '--porcelain'), '');
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    assert.match(git(repo.root, 'log', '-1', '--format=%B', result.branch ?? 'no-branch'), /Minions-Task: task1/);
    // Every chat request carried num_ctx (from /api/show) and keep_alive, and the tools.
    const chats = ollama.requestsTo('/api/chat').map((request) => request.body as ChatRequestBody);
    assert.equal(chats.length, 3);
    for (const chat of chats) {
      assert.equal(chat.options?.num_ctx, 32768);
      assert.equal(chat.keep_alive, '30m');
      assert.equal(chat.stream, true);
      assert.ok((chat.tools?.length ?? 0) >= 8);
    }
    // The first prompt holds the root rules but not the docs/ ones (no file in play there).
    const firstPrompt = chats[0]?.messages?.[1]?.content ?? '';
    assert.match(firstPrompt, /## AGENTS\.md\n# Agents/);
    assert.doesNotMatch(firstPrompt, /British English/);
    const types = events.map((event) => event.type);
    assert.equal(types[0], 'run-start');
    assert.equal(types.at(-1), 'run-end');
    const calls = eventsOf(events, 'model-call');
    assert.equal(calls.length, 3);
    assert.equal(calls[0]?.model, 'coder:7b');
    assert.match(String(calls[0]?.digest), /^[0-9a-f]{64}$/);
    assert.equal(calls[0]?.toolCallSource, 'native');
    assert.deepEqual(eventsOf(events, 'node-end').map((node) => `${node.node}:${node.status}`), ['prepare:ok', 'context:ok', 'baseline:ok', 'implement:ok', 'checks:ok', 'review:skipped', 'deliver:ok', 'publish:skipped', 'cleanup:ok']);
    assert.ok(eventsOf(events, 'command-end').every((command) => typeof command.exitCode === 'number' && typeof command.durationMs === 'number'));
    await repo.dispose();
  });

  it('fails its tests, then passes after a fix round fed with the failing output', async () => {
    repo = await makeRepo(calculatorFiles);
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a * b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'Changed add.' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a * b;\n}\n\nexport function multiply', replace: '  return a + b;\n}\n\nexport function multiply' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now adds; the test passes.' } }] },
    ]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(repo, ollama, { prompt: 'Make add return the sum.' });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.rounds, 1);
    const fixPrompt = (ollama.requestsTo('/api/chat')[earlier + 2]?.body as ChatRequestBody).messages?.[1]?.content ?? '';
    assert.match(fixPrompt, /Failing checks \(fix round 1\)/);
    assert.match(fixPrompt, /node --test test\/math\.test\.js/);
    assert.match(fixPrompt, /6 !== 5|Expected values to be strictly equal/);
    assert.deepEqual(eventsOf(events, 'node-end').map((node) => `${node.node}:${node.status}`), ['prepare:ok', 'context:ok', 'baseline:ok', 'implement:ok', 'checks:failed', 'fix:ok', 'checks:ok', 'review:skipped', 'deliver:ok', 'publish:skipped', 'cleanup:ok']);
    await repo.dispose();
  });

  it('exhausts its fix rounds and reports failure honestly, keeping the branch with the attempt', async () => {
    repo = await makeRepo(calculatorFiles);
    const wrong = (from: string, to: string): { toolCalls: { name: string; arguments: Record<string, unknown> }[] } => ({
      toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: `  return ${from};\n}\n\nexport function multiply`, replace: `  return ${to};\n}\n\nexport function multiply` } }],
    });
    const finish = { toolCalls: [{ name: 'finish', arguments: { summary: 'Tried.' } }] };
    ollama.setChat([wrong('a - b', 'a * b'), finish, wrong('a * b', 'a / b'), finish]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Make add return the sum.', maxFixRounds: 1 });
    assert.equal(result?.outcome, 'failed');
    assert.match(result?.reason ?? '', /checks still fail after 1 fix round: node --test test\/math\.test\.js/);
    assert.equal(result?.rounds, 1);
    assert.ok(result?.commit, 'the attempt is committed on the branch');
    assert.match(result?.prTitle ?? '', /^WIP: /);
    assert.match(result?.prBody ?? '', /\*\*Failed:\*\* checks still fail/);
    assert.equal(git(repo.root, 'rev-parse', result?.branch ?? ''), result?.commit);
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    assert.equal(eventsOf(events, 'run-end')[0]?.outcome, 'failed');
    assert.ok(!existsSync(`${repo.worktrees}/task1`));
    await repo.dispose();
  });
});
