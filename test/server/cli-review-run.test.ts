// `minions run` with a reviewer: the flags reach the runner through the real composition,
// the review model answers through the scripted Ollama, and the CLI prints the review
// live and in the result.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculatorFiles, makeRepo, startAgentOllama, textModel, toolModel, type FixtureRepo } from '../agent/agent-fixtures.js';
import type { ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';
import { runCli } from './cli-run.js';

describe('minions run --review-model', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(calculatorFiles);
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
  });

  it('reviews with the review model and stops delivery on a severe finding under --review-policy stop', async () => {
    const finding = { severity: 'critical', category: 'correctness', file: 'src/math.js', line: 2, message: 'add() now ignores b.' };
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
      { content: JSON.stringify({ findings: [finding], summary: 'Wrong.' }) },
    ]);
    const env = { OLLAMA_HOST: ollama.host.replace('http://', ''), MINIONS_MODEL: toolModel, MINIONS_REVIEW_POLICY: 'fix', MINIONS_DATA_DIR: join(repo.worktrees, '..', 'data'), MINIONS_THREADS: '1', PATH: process.env.PATH };
    const earlier = ollama.requestsTo('/api/chat').length;
    const result = await runCli(['run', '--repo', repo.root, '--review-model', textModel, '--review-policy', 'stop', 'Fix add in src/math.js'], repo.root, env);
    assert.equal(result.code, 1, result.stderr + result.stdout);
    assert.match(result.stderr, /\(models: coder:7b, texty:1b\)$/m);
    assert.match(result.stderr, /^ {2}review by texty:1b: 1 file\(s\), ~\d+ tokens of diff$/m);
    assert.match(result.stderr, /^ {2}review: texty:1b: 1 finding\(s\), 1 severe; severe findings: delivery stopped\n {4}critical correctness src\/math\.js:2: add\(\) now ignores b\.$/m);
    assert.match(result.stdout, /^Failed: the review found 1 severe finding: critical correctness src\/math\.js:2/);
    assert.match(result.stdout, /^Review: texty:1b: 1 finding\(s\), 1 severe; severe findings: delivery stopped$/m);
    const review = ollama.requestsTo('/api/chat').slice(earlier).map((request) => request.body as ChatRequestBody).find((body) => body.model === textModel && body.format !== undefined);
    assert.ok(review, 'the review model was asked with a format');
  });
});
