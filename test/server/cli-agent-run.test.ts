// `minions run` end to end: the CLI wires the agent to the scripted Ollama (OLLAMA_HOST)
// and to the index through the real composition: without an index the model is told
// to use grep; with one, search_code answers from it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculatorFiles, git, makeRepo, startAgentOllama, toolModel, type FixtureRepo } from '../agent/agent-fixtures.js';
import { closedPort, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { runCli } from './cli-run.js';

const script = [
  { toolCalls: [{ name: 'search_code', arguments: { query: 'add two numbers' } }] },
  { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
];

describe('minions run', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(calculatorFiles);
    env = { OLLAMA_HOST: ollama.host.replace('http://', ''), MINIONS_MODEL: toolModel, MINIONS_DATA_DIR: join(repo.worktrees, '..', 'data'), MINIONS_THREADS: '1', PATH: process.env.PATH };
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
  });

  it('runs a task with live progress; without an index, search_code tells the model to use grep', async () => {
    ollama.setChat(script);
    const earlier = ollama.requestsTo('/api/chat').length;
    const result = await runCli(['run', '--repo', repo.root, 'Fix add in src/math.js'], repo.root, env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stderr, /^task [0-9a-f]{8}: .* at HEAD -> branch minions\/[0-9a-f]{8}-fix-add-in-src-math-js \(models: coder:7b\)$/m);
    assert.match(result.stderr, /^ {2}context: 1 rule files, 1 files, 0 snippets, ~\d+ tokens; search unavailable$/m);
    // The model load is shown when it starts and when it ends; chats carry the default temperature.
    assert.match(result.stderr, /^ {2}loading coder:7b…\n(.*\n)* {2}coder:7b (loaded|was already loaded) in \d+ ms$/m);
    assert.equal((ollama.requestsTo('/api/chat')[earlier]?.body as ChatRequestBody).options?.temperature, 0.2);
    assert.match(result.stderr, /^ {2}model coder:7b step 2: [\d,]+ in \/ \d+ out, \d+ ms -> edit_file$/m);
    assert.match(result.stderr, /^ {2}\$ node --test test\/math\.test\.js -> exit 0 in /m);
    assert.match(result.stderr, /^\[deliver\] ok in [\d.]+ m?s: 1 files committed as [0-9a-f]{12}$/m);
    assert.match(result.stderr, /^succeeded in [\d.]+ m?s: 0 fix round\(s\)/m);
    assert.match(result.stdout, /^Succeeded\nBranch: minions\/\S+ \(commit [0-9a-f]{12}\)\nPR title: Fix add in src\/math\.js\nChecks:\n {2}passed {2}node --test test\/math\.test\.js\n {2}passed {2}npm test\n/);
    const searched = (ollama.requestsTo('/api/chat')[earlier + 1]?.body as ChatRequestBody).messages?.at(-1)?.content ?? '';
    // One query policy: the agent's search gives the same `index-missing` message as `minions query` and the HTTP route.
    assert.match(searched, /^search_code is unavailable for this repository \(.* has no index yet\. Build it with `minions index .*`\.\)\. Use grep/);
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    assert.ok(!existsSync(join(String(env.MINIONS_DATA_DIR), 'worktrees', 'task1')));
  });

  it('answers search_code from the index once the repository is indexed', async () => {
    const indexed = await runCli(['index', repo.root], repo.root, env);
    assert.equal(indexed.code, 0, indexed.stderr);
    ollama.setChat(script);
    const earlier = ollama.requestsTo('/api/chat').length;
    const result = await runCli(['run', '--repo', repo.root, '--json', '--temperature', '0.4', '--num-ctx', '6144', 'Fix the add function'], repo.root, env);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual([...new Set(ollama.requestsTo('/api/chat').slice(earlier).map((request) => (request.body as ChatRequestBody).options?.num_ctx))], [6144], '--num-ctx is sent as num_ctx');
    assert.equal(JSON.parse(result.stdout).outcome, 'succeeded');
    assert.match(result.stderr, /search used/);
    const first = (ollama.requestsTo('/api/chat')[earlier]?.body as ChatRequestBody).messages?.[1]?.content ?? '';
    assert.match(first, /### src\/math\.js \(whole file\)/);
    assert.equal((ollama.requestsTo('/api/chat')[earlier]?.body as ChatRequestBody).options?.temperature, 0.4, '--temperature reaches the model');
    const searched = (ollama.requestsTo('/api/chat')[earlier + 1]?.body as ChatRequestBody).messages?.at(-1)?.content ?? '';
    assert.match(searched, /^1\. src\/math\.js:1-3 function add/m);
  });

  it('fails with one clear line when Ollama is unreachable, and on bad usage', async () => {
    const down = await runCli(['run', '--repo', repo.root, 'Fix add'], repo.root, { ...env, OLLAMA_HOST: `127.0.0.1:${await closedPort()}` });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^minions: Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    const usage = await runCli(['run', 'Fix add'], repo.root, env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: minions run --repo <path>/);
    const rounds = await runCli(['run', '--repo', repo.root, '--max-fix-rounds', '11', 'x'], repo.root, env);
    assert.equal(rounds.code, 2);
    const context = await runCli(['run', '--repo', repo.root, '--num-ctx', '100', 'x'], repo.root, env);
    assert.equal(context.code, 2);
    assert.match(context.stderr, /The context length must be an integer from 512 to 1048576, not "100" \(--num-ctx or MINIONS_NUM_CTX\)/);
  });
});
