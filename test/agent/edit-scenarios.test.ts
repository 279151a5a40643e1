// Scenario of edit_file's lenient matching end to end: the scripted Ollama sends a
// multi-line LF edit, mis-indented and carrying read_file's line numbers, for a CRLF file
// of a real git repository; the edit lands, the checks pass and the diff keeps CRLF.
// And a deletion and a rename, made with delete_file and move_file, are what is delivered.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, git, makeRepo, runTask, startAgentOllama } from './agent-fixtures.js';

const crlf = (text: string): string => text.replace(/\n/g, '\r\n');

describe('agent run: edits that land', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
  });

  it('applies a re-indented LF edit to a CRLF file and delivers a CRLF diff', async () => {
    const repo = await makeRepo({ ...calculatorFiles, 'src/math.js': crlf(calculatorFiles['src/math.js'] ?? '') });
    ollama.setChat([
      { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '1| export function add(a, b) {\n2|     return a - b;\n3| }', replace: 'export function add(a, b) {\n    // Sum, not difference.\n    return a + b;\n}' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now adds.' } }] },
    ]);
    try {
      const { result, error } = await runTask(repo, ollama, { prompt: 'Fix the add function in src/math.js: it subtracts.' });
      assert.equal(error, undefined);
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.match(result.diff, /^- {2}return a - b;\r$/m);
      assert.match(result.diff, /^\+ {2}\/\/ Sum, not difference\.\r\n\+ {2}return a \+ b;\r$/m);
      assert.ok(result.commit);
      const committed = git(repo.root, 'show', `${result.commit}:src/math.js`);
      assert.equal(committed, crlf('export function add(a, b) {\n  // Sum, not difference.\n  return a + b;\n}\n\nexport function multiply(a, b) {\n  return a * b;\n}').trimEnd());
    } finally {
      await repo.dispose();
    }
  });

  it('delivers a deletion and a rename made with delete_file and move_file (from an absolute worktree path)', async () => {
    const fixedMath = (calculatorFiles['src/math.js'] ?? '').replace('a - b', 'a + b');
    const repo = await makeRepo({ ...calculatorFiles, 'src/math.js': fixedMath, 'docs/old-notes.md': '# Old notes\n', 'src/helpers.js': 'export const two = 2;\n' });
    ollama.setChat([
      { toolCalls: [{ name: 'delete_file', arguments: { path: 'docs/old-notes.md' } }, { name: 'move_file', arguments: { from: join(repo.worktrees, 'task1', 'src/helpers.js'), to: 'src/constants.js' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'Removed the old notes and renamed helpers.js.' } }] },
    ]);
    try {
      const { result, error } = await runTask(repo, ollama, { prompt: 'Delete docs/old-notes.md and rename src/helpers.js to src/constants.js.' });
      assert.equal(error, undefined);
      assert.ok(result);
      assert.equal(result.outcome, 'succeeded', result.reason);
      assert.match(result.diff, /^deleted file mode 100644$/m);
      assert.match(result.diff, /^rename from src\/helpers\.js\nrename to src\/constants\.js$/m);
      assert.equal(git(repo.root, 'show', `${result.commit}:src/constants.js`), 'export const two = 2;');
    } finally {
      await repo.dispose();
    }
  });
});
