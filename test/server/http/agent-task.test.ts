// A task through the HTTP API with the product's composition: the real agent
// (createRunner), the scripted Ollama on 127.0.0.1, and code search over the index
// the server built when the repository was registered.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Task, TaskResult } from '../../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../../../server/agent-wiring.js';
import { loadConfig } from '../../../server/config.js';
import { calculatorFiles, git, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { ServerFixture, taskEnded } from './server-fixture.js';

describe('a task through the API with the real agent', () => {
  it('runs on a registered repository and hands back branch, commit, diff and checks', async () => {
    const ollama = await startAgentOllama([
      { toolCalls: [{ name: 'search_code', arguments: { query: 'add two numbers' } }] },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
    ]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const runner = createRunner(loadAgentSettings(env, config), fixture.index, env);
      const app = await fixture.build({ runner });
      await fixture.register(app, repo.root);
      const created = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: repo.root, prompt: 'Fix add in src/math.js' } });
      assert.equal(created.statusCode, 202, created.body);
      const { id } = created.json<{ id: string }>();
      const end = await taskEnded(app, id);
      assert.equal(end.data.status, 'succeeded', JSON.stringify(end.data));
      const task = (await app.inject({ url: `/v1/tasks/${id}` })).json<Task>();
      assert.equal(task.status, 'succeeded');
      const result = (await app.inject({ url: `/v1/tasks/${id}/result` })).json<TaskResult>();
      assert.match(result.branch ?? '', /^minions\//);
      assert.match(result.commit ?? '', /^[0-9a-f]{7,40}$/);
      assert.match(result.diff, /\+ {2}return a \+ b;/);
      assert.ok(result.checks.length > 0 && result.checks.every((check) => check.passed));
      assert.equal(git(repo.root, 'rev-parse', '--abbrev-ref', 'HEAD'), 'main', "the user's checkout is untouched");
      const events = (await app.inject({ url: `/v1/tasks/${id}/events` })).body;
      const types = [...events.matchAll(/^event: (\S+)$/gm)].map((match) => match[1]);
      assert.equal(types[0], 'task-queue');
      assert.equal(types.at(-1), 'task-end');
      assert.ok(types.length > 6, `the agent's events are in the log: ${types.join(', ')}`);
      const metrics = (await app.inject({ url: '/metrics' })).body;
      assert.match(metrics, /^minions_model_tokens_total\{direction="input",model="coder:7b",blueprint="default"\} [1-9]\d*$/m);
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });

  it("sends MINIONS_NUM_CTX as num_ctx, lets a task's numCtx win, and refuses one out of range", async () => {
    const fixAdd = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] };
    const ollama = await startAgentOllama([fixAdd, { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] }]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_NUM_CTX: '8192', PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env) });
      await fixture.register(app, repo.root);
      const refused = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: repo.root, prompt: 'Fix add in src/math.js', numCtx: 100 } });
      assert.equal(refused.statusCode, 400, refused.body);
      const numCtxSent = (): unknown[] => [...new Set(ollama.requestsTo('/api/chat').map((request) => (request.body as { options?: { num_ctx?: unknown } }).options?.num_ctx))];
      const first = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: repo.root, prompt: 'Fix add in src/math.js' } });
      assert.equal((await taskEnded(app, first.json<{ id: string }>().id)).data.status, 'succeeded');
      assert.deepEqual(numCtxSent(), [8192]);
      ollama.setChat([fixAdd, { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] }]);
      const second = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: repo.root, prompt: 'Fix add in src/math.js', numCtx: 6144 } });
      assert.equal(second.statusCode, 202, second.body);
      assert.equal((await taskEnded(app, second.json<{ id: string }>().id)).data.status, 'succeeded');
      assert.deepEqual(numCtxSent(), [8192, 6144]);
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });
});
