// Scenario of edit_file's lenient matching end to end: the scripted Ollama sends a
// multi-line LF edit, mis-indented and carrying read_file's line numbers, for a CRLF file
// of a real git repository; the edit lands, the checks pass and the diff keeps CRLF.
import assert from 'node:assert/strict';
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
});
