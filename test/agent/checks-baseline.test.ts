// Scenarios of checks judged against the base commit, over real git and real test
// commands (python3 -m unittest, node --test): a suite that already failed at the base,
// a linter that is not installed, a change that breaks a test that passed, build output
// left by commands, a baseline taken from the cache, and a fix that only touched tests.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama } from './agent-fixtures.js';

const finish = (summary: string): { toolCalls: { name: string; arguments: Record<string, unknown> }[] } => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });

/** A Python package whose `divide` is wrong at the base (its test fails) and whose test run writes `build/report.txt`. */
const pythonFiles: Record<string, string> = {
  '.minions.yml': 'test: python3 -m unittest discover -s tests -t .\n',
  'calc/__init__.py': '',
  'calc/ops.py': 'def add(a, b):\n    return a - b\n\n\ndef divide(a, b):\n    return a * b\n',
  'tests/__init__.py': 'import os\n\nos.makedirs("build", exist_ok=True)\nwith open("build/report.txt", "w") as report:\n    report.write("ran\\n")\n',
  'tests/test_ops.py': 'import unittest\n\nfrom calc.ops import add, divide\n\n\nclass OpsTest(unittest.TestCase):\n    def test_add(self):\n        self.assertEqual(add(2, 3), 5)\n\n    def test_divide(self):\n        self.assertEqual(divide(6, 3), 2)\n',
};

/** Commands write bytecode (`__pycache__/*.pyc`) as they do on a developer's machine. */
const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'PYTHONDONTWRITEBYTECODE'));

describe('checks judged against the base commit', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  it('reports a failure that existed at the base as such, spends no fix round, and commits no build output', async () => {
    const repo = await makeRepo(pythonFiles);
    // The user's virtual environment (untracked), which prepare links into the worktree: the baseline's clean-up keeps it.
    await mkdir(join(repo.root, '.venv'));
    await writeFile(join(repo.root, '.venv', 'marker'), 'installed\n');
    ollama.setChat([
      // What the model sees first: the worktree exactly at the base, the baseline's leftovers gone.
      { toolCalls: [{ name: 'run_command', arguments: { command: 'git status --short --ignored --untracked-files=all' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'calc/ops.py', search: '    return a - b', replace: '    return a + b' } }] },
      { toolCalls: [{ name: 'run_command', arguments: { command: 'python3 -m unittest discover -s tests -t .' } }] },
      finish('add() now adds.'),
    ]);
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in calc/ops.py: it subtracts.' }, { environment });
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.equal(result.rounds, 0, 'no fix round for a failure that was there before');
      const baseline = eventsOf(events, 'checks-baseline')[0];
      assert.equal(baseline?.cached, false);
      assert.deepEqual(baseline?.results, [{ kind: 'test', command: 'python3 -m unittest discover -s tests -t .', exitCode: 1, status: 'failed', failing: ['test_add (tests.test_ops.OpsTest.test_add)', 'test_divide (tests.test_ops.OpsTest.test_divide)'] }]);
      const status = eventsOf(events, 'command-end').find((command) => command.node === 'implement' && String(command.command).startsWith('git status'));
      assert.equal(status?.output, '?? .venv\n', 'the baseline left nothing behind, not even ignored files; the linked .venv stays');
      assert.ok(existsSync(join(repo.root, '.venv', 'marker')), "the user's environment is untouched");
      const suite = result.checks.find((check) => check.name === 'test');
      assert.equal(suite?.status, 'failed-before');
      assert.equal(suite?.passed, false);
      assert.deepEqual(suite?.preexisting, ['test_divide (tests.test_ops.OpsTest.test_divide)']);
      assert.deepEqual(suite?.newFailures, []);
      assert.deepEqual(suite?.nowPassing, ['test_add (tests.test_ops.OpsTest.test_add)']);
      assert.deepEqual(eventsOf(events, 'node-end').find((node) => node.node === 'checks')?.outcome, 'passed-with-preexisting-failures');
      assert.match(result.prBody, /failed before the change too \(pre-existing failures, not caused by it\)/);
      assert.match(result.prBody, /failing before the change: test_divide \(tests\.test_ops\.OpsTest\.test_divide\)/);
      assert.match(result.prBody, /now passing: test_add/);
      assert.doesNotMatch(result.prTitle, /^WIP/);
      // Only the model's edit is committed; the bytecode and build output the commands wrote are listed, not committed.
      assert.equal(git(repo.root, 'show', '--name-only', '--format=', result.commit ?? ''), 'calc/ops.py');
      assert.ok(result.notCommitted?.includes('build/report.txt'), String(result.notCommitted));
      assert.ok(result.notCommitted?.some((path) => /^calc\/__pycache__\/ops\.cpython-\d+\.pyc$/.test(path)), String(result.notCommitted));
      assert.match(result.prBody, /Not committed \(created by commands\): .*`build\/report\.txt`/);
    } finally {
      await repo.dispose();
    }
  });

  it('reports a linter that is not installed as unavailable, not failed, and takes the second task baseline from the cache', async () => {
    const repo = await makeRepo({ ...pythonFiles, '.minions.yml': 'lint: minions-missing-linter check .\ntest: python3 -m unittest discover -s tests -t .\n' });
    const script = [{ toolCalls: [{ name: 'edit_file', arguments: { path: 'calc/ops.py', search: '    return a - b', replace: '    return a + b' } }] }, finish('add() now adds.')];
    try {
      ollama.setChat(script);
      const first = await runTask(repo, ollama, { prompt: 'Fix add in calc/ops.py: it subtracts.' }, { environment });
      assert.equal(first.result?.outcome, 'succeeded', first.result?.reason);
      assert.equal(first.result?.rounds, 0);
      const lint = first.result?.checks.find((check) => check.name === 'lint');
      assert.equal(lint?.status, 'unavailable');
      assert.equal(lint?.exitCode, 127);
      assert.match(first.result?.prBody ?? '', /`minions-missing-linter check \.` \(lint\): unavailable \(its tool is not installed; not run\)/);
      assert.match(first.result?.prBody ?? '', /Unavailable \(tool not installed\): `minions-missing-linter check \.`/);
      assert.equal(eventsOf(first.events, 'checks-baseline')[0]?.cached, false);
      assert.equal(eventsOf(first.events, 'command-end').filter((command) => command.node === 'baseline').length, 2);

      // A second task on the same commit and checks: the baseline comes from the cache, nothing runs on the base.
      ollama.setChat(script);
      const second = await runTask(repo, ollama, { prompt: 'Fix add in calc/ops.py: it subtracts.' }, { environment });
      assert.equal(second.result?.outcome, 'succeeded', second.result?.reason);
      const cached = eventsOf(second.events, 'checks-baseline')[0];
      assert.equal(cached?.cached, true);
      assert.deepEqual(cached?.results, eventsOf(first.events, 'checks-baseline')[0]?.results);
      assert.equal(eventsOf(second.events, 'command-start').filter((command) => command.node === 'baseline').length, 0);
      assert.equal(eventsOf(second.events, 'node-end').find((node) => node.node === 'baseline')?.outcome, 'cached');
      assert.equal(second.result?.checks.find((check) => check.name === 'test')?.status, 'failed-before');
    } finally {
      await repo.dispose();
    }
  });

  it('spends a fix round on a test the change broke, naming only the new failure as the one to fix', async () => {
    const files = {
      ...calculatorFiles,
      'src/math.js': 'export function add(a, b) {\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a + b;\n}\n',
      'test/math.test.js': "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add, multiply } from '../src/math.js';\n\ntest('add', () => assert.equal(add(2, 3), 5));\ntest('multiply', () => assert.equal(multiply(2, 3), 6));\n",
    };
    const repo = await makeRepo(files);
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'export function add(a, b) {\n  return a + b;', replace: 'export function add(a, b) {\n  return Number(a) - Number(b);' } }] },
      finish('add() converts its arguments.'),
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return Number(a) - Number(b);', replace: '  return Number(a) + Number(b);' } }] },
      finish('add() adds numbers again.'),
    ]);
    const earlier = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Make add convert its arguments to numbers.' });
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.equal(result.rounds, 1);
      assert.deepEqual(eventsOf(events, 'checks-baseline')[0]?.results, [{ kind: 'test', command: 'npm test', exitCode: 1, status: 'failed', failing: ['multiply'] }]);
      const fixPrompt = (ollama.requestsTo('/api/chat')[earlier + 2]?.body as ChatRequestBody).messages?.[1]?.content ?? '';
      assert.match(fixPrompt, /Failing checks \(fix round 1\)/);
      assert.match(fixPrompt, /^New failures \(caused by the change; fix these\): add$/m);
      assert.match(fixPrompt, /^Failing before the change too \(not caused by it; leave them\): multiply$/m);
      const checkEnds = eventsOf(events, 'check-end');
      assert.deepEqual(checkEnds.map((check) => `${String(check.kind)}:${String(check.status)}`), ['related-test:failed', 'related-test:failed-before', 'test:failed-before']);
      assert.match(result.prBody, /failing before the change: multiply/);
    } finally {
      await repo.dispose();
    }
  });

  it('flags a behaviour fix whose only change is to a test file', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'test/math.test.js', search: 'assert.equal(add(2, 3), 5)', replace: 'assert.equal(add(2, 3), -1)' } }] },
      finish('The test now matches add().'),
    ]);
    try {
      const { result } = await runTask(repo, ollama, { prompt: 'Fix the add function in src/math.js: it subtracts.' });
      assert.ok(result);
      assert.deepEqual(result.warnings, ['Only test files changed: the behaviour itself was not changed.']);
      assert.match(result.prBody, /\*\*Warning:\*\* Only test files changed: the behaviour itself was not changed\./);
    } finally {
      await repo.dispose();
    }
  });
});
