// Results that tell the truth: the PR's "What" comes from every round's finish summary
// and from the diff, never from a stop reason; titles keep identifiers' case; the user's
// uncommitted changes are named (or, on request, are where the task starts); a run that
// commits nothing leaves no branch behind. Real git, real `npm test`, scripted Ollama.
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { changedSymbols, summaryText } from '../../agent/nodes/what-changed.js';
import { titleFromPrompt } from '../../agent/nodes/describe.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: 'return a - b;', replace: 'return a + b;' } };
const finish = (summary: string): { toolCalls: { name: string; arguments: Record<string, unknown> }[] } => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });

/** The body of the PR's "What" section. */
function whatOf(body: string): string {
  return /## What\n([\s\S]*?)\n## /.exec(body)?.[1] ?? '';
}

describe('titles and summaries', () => {
  it('keeps the case of an identifier that opens the task, capitalizes a plain word', () => {
    assert.equal(titleFromPrompt('make_str(None) should return an empty string'), 'make_str(None) should return an empty string');
    assert.equal(titleFromPrompt('parseURL drops the port.'), 'parseURL drops the port');
    assert.equal(titleFromPrompt('`render()` crashes on empty lists'), '`render()` crashes on empty lists');
    assert.equal(titleFromPrompt('fix the parser. It fails on tabs.'), 'Fix the parser');
    assert.equal(titleFromPrompt('   '), 'Change');
  });

  it('labels fix rounds and names the symbols the changed lines fall in', () => {
    assert.equal(summaryText([{ node: 'implement', round: 0, text: 'Made add add.' }, { node: 'fix', round: 1, text: 'Fixed the test import.' }]), 'Made add add.\n\nFix round 1: Fixed the test import.');
    const diff = [
      'diff --git a/src/m.py b/src/m.py', '--- a/src/m.py', '+++ b/src/m.py',
      '@@ -1,3 +1,3 @@ class Ledger:', '-x', '+y',
      '@@ -9,4 +9,4 @@ class Ledger:', ' def settle(self):', '-    pass', '+    return 1', ' def close(self):',
      'diff --git a/src/n.js b/src/n.js', '--- a/src/n.js', '+++ b/src/n.js',
      '@@ -1,4 +1,4 @@', ' export function add(a, b) {', '-  return a - b;', '+  return a + b;', ' }',
    ].join('\n');
    assert.deepEqual([...changedSymbols(diff)], [['src/m.py', ['class Ledger', 'def settle(self)']], ['src/n.js', ['export function add(a, b)']]]);
  });
});

describe('agent run: results that tell the truth', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
  });

  it('writes every round\'s summary and the touched symbols into "What", and never a stop reason', async () => {
    const repo = await makeRepo(calculatorFiles);
    const readMath = { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] };
    ollama.setChat([
      // implement: fixes add but breaks multiply (a new failure), then loops on read_file until the repeat guard stops it (no finish, so no summary).
      { toolCalls: [fixAdd, { name: 'edit_file', arguments: { path: 'src/math.js', search: 'return a * b;', replace: 'return a + b;' } }] }, readMath, readMath, readMath,
      // fix round 1: repairs multiply and says so.
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'export function multiply(a, b) {\n  return a + b;', replace: 'export function multiply(a, b) {\n  return a * b;' } }] },
      finish('multiply() added instead of multiplying; it multiplies again.'),
    ]);
    try {
      const { result, error } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js: it subtracts.' });
      assert.equal(error, undefined);
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.equal(result.rounds, 1);
      const what = whatOf(result.prBody);
      assert.doesNotMatch(result.prBody, /Stopped:/);
      assert.match(what, /^Fix round 1: multiply\(\) added instead of multiplying; it multiplies again\./);
      assert.match(what, /- `src\/math\.js` \(modified, \+1 -1\): in `export function add\(a, b\)`$/m);
      assert.doesNotMatch(git(repo.root, 'log', '-1', '--format=%B', result.branch ?? 'no-branch'), /Stopped:/);
    } finally {
      await repo.dispose();
    }
  });

  it('says plainly that there is no summary when the model never finished', async () => {
    const repo = await makeRepo(calculatorFiles);
    const readMath = { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] };
    ollama.setChat([{ toolCalls: [fixAdd] }, readMath, readMath, readMath]);
    try {
      const { result } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js: it subtracts.' });
      assert.ok(result);
      const what = whatOf(result.prBody);
      assert.match(what, /^The model did not summarize its work; the change, from the diff:\n\n- `src\/math\.js` \(modified, \+1 -1\)/);
      assert.doesNotMatch(result.prBody, /## What[\s\S]*Stopped:[\s\S]*## Why/);
    } finally {
      await repo.dispose();
    }
  });

  it('leaves no branch behind when the run committed nothing', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([finish('Nothing to do.'), finish('It truly cannot be done.')]);
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js: it subtracts.' });
      assert.ok(result);
      assert.equal(result.outcome, 'failed');
      assert.match(result.reason ?? '', /made no changes/);
      assert.equal(result.branch, null);
      assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '');
      assert.deepEqual(eventsOf(events, 'worktree-remove').map((event) => event.branchKept), [null]);
      assert.equal(eventsOf(events, 'run-end')[0]?.branch, null);
    } finally {
      await repo.dispose();
    }
  });

  it('names the uncommitted changes of the checkout it did not start from', async () => {
    const repo = await makeRepo(calculatorFiles);
    await writeFile(join(repo.root, 'README.md'), '# Calculator\n');
    await writeFile(join(repo.root, 'src/math.js'), `${calculatorFiles['src/math.js']}// work in progress\n`);
    ollama.setChat([{ toolCalls: [fixAdd] }, finish('add() adds.')]);
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js: it subtracts.' });
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.deepEqual(result.checkout, { uncommitted: ['src/math.js', 'README.md'], included: false });
      assert.deepEqual(eventsOf(events, 'checkout-check')[0]?.uncommitted, ['src/math.js', 'README.md']);
      // The task started from the commit: the branch does not carry the user's edit.
      assert.doesNotMatch(git(repo.root, 'show', `${result.commit}:src/math.js`), /work in progress/);
    } finally {
      await repo.dispose();
    }
  });

  it('starts from the working tree when asked: a snapshot commit first, the model\'s change after, the checkout untouched', async () => {
    const repo = await makeRepo(calculatorFiles);
    // Uncommitted: a new function with a bug, and an untracked helper; the model's edit only matches with them in.
    const dirtyMath = `${calculatorFiles['src/math.js']}\nexport function double(a) {\n  return a + a + a;\n}\n`;
    await writeFile(join(repo.root, 'src/math.js'), dirtyMath);
    await writeFile(join(repo.root, 'src/notes.txt'), 'scratch\n');
    git(repo.root, 'add', 'src/notes.txt');
    const statusBefore = git(repo.root, 'status', '--porcelain');
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: 'return a + a + a;', replace: 'return a + a;' } }, fixAdd] },
      finish('double() and add() compute what they say.'),
    ]);
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix double and add in src/math.js.', fromWorkingTree: true });
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.deepEqual(result.checkout, { uncommitted: ['src/math.js', 'src/notes.txt'], included: true });
      const [snapshot] = eventsOf(events, 'checkout-check');
      assert.equal(snapshot?.included, true);
      // The branch: HEAD, then the snapshot of the working tree, then the model's commit.
      assert.equal(git(repo.root, 'rev-parse', `${result.commit}^`), snapshot?.commit);
      assert.equal(git(repo.root, 'rev-parse', `${result.commit}^^`), git(repo.root, 'rev-parse', 'HEAD'));
      assert.equal(git(repo.root, 'show', `${String(snapshot?.commit)}:src/notes.txt`), 'scratch');
      // The delivered diff is the model's change alone.
      assert.match(result.diff, /^- {2}return a \+ a \+ a;$/m);
      assert.doesNotMatch(result.diff, /notes\.txt/);
      assert.match(result.prBody, /starts with a commit of the 2 uncommitted change\(s\) of the working tree/);
      // The user's checkout, index included, is exactly as it was.
      assert.equal(git(repo.root, 'status', '--porcelain'), statusBefore);
      assert.equal(await readFile(join(repo.root, 'src/math.js'), 'utf8'), dirtyMath);
    } finally {
      await repo.dispose();
    }
  });

  it('refuses fromWorkingTree with a base other than HEAD, before touching anything', async () => {
    const repo = await makeRepo(calculatorFiles);
    await writeFile(join(repo.root, 'extra.js'), 'export {};\n');
    git(repo.root, 'add', 'extra.js');
    git(repo.root, 'commit', '--quiet', '-m', 'second');
    try {
      const { result, error } = await runTask(repo, ollama, { prompt: 'Fix add.', fromWorkingTree: true, base: 'HEAD~1' });
      assert.equal(result, undefined);
      assert.match(String(error), /fromWorkingTree starts from HEAD .*cannot start from "HEAD~1"/);
      assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '');
    } finally {
      await repo.dispose();
    }
  });
});
