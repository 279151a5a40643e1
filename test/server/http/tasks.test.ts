import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope, Task, TaskEvent, TaskList, TaskResult } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { ScriptedRunner, sampleResult } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, sampleFiles, taskEnded } from './server-fixture.js';

async function logOf(fixture: ServerFixture, id: string): Promise<TaskEvent[]> {
  const text = await readFile(join(fixture.dataDir, 'tasks', `${id}.ndjson`), 'utf8');
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as TaskEvent);
}

describe('tasks', () => {
  let fixture: ServerFixture;
  let app: App;
  let runner: ScriptedRunner;
  let root = '';
  let repoId = '';
  before(async () => {
    fixture = await ServerFixture.create();
    runner = new ScriptedRunner();
    app = await fixture.build({ runner, limits: { concurrency: 1 } });
    root = await fixture.repo('repo', sampleFiles);
    repoId = await fixture.register(app, root);
  });
  after(() => fixture.dispose());

  it('runs a task: 202 with an id, running state, events, result, and a log that folds to the state', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'add a test', model: 'qwen3' } });
    assert.equal(response.statusCode, 202);
    const { id, status } = response.json<{ id: string; status: string }>();
    assert.equal(response.headers.location, `/v1/tasks/${id}`);
    assert.ok(['queued', 'running'].includes(status));
    await runner.started(1);
    assert.deepEqual(runner.calls[0]?.task, { id, request: { repo: root, prompt: 'add a test', model: 'qwen3' }, root });
    const running = (await app.inject({ url: `/v1/tasks/${id}` })).json<Task>();
    assert.equal(running.status, 'running');
    assert.ok(running.startedAt);
    const early = await app.inject({ url: `/v1/tasks/${id}/result` });
    assert.equal(early.statusCode, 409);
    assert.deepEqual(early.json<ErrorEnvelope>().error.details, { status: 'running' });
    runner.emit(id, { type: 'tool-call', data: { node: 'implement', step: 1, tool: 'search_code', arguments: '{"query":"rain"}', ok: true, durationMs: 3, result: '' } });
    runner.emitUntyped(id, { type: 'task-end', data: { status: 'succeeded' } });
    runner.emitUntyped(id, { type: 'tool-call', data: { tool: 'search_code' } });
    const ended = taskEnded(app, id);
    runner.finish(id);
    assert.deepEqual((await ended).data.status, 'succeeded');
    const done = (await app.inject({ url: `/v1/tasks/${id}` })).json<Task>();
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, sampleResult());
    assert.deepEqual((await app.inject({ url: `/v1/tasks/${id}/result` })).json<TaskResult>(), sampleResult());
    await app.minions.tasks.flush();
    const log = await logOf(fixture, id);
    assert.deepEqual(log.map((event) => event.type), ['task-queue', 'task-start', 'node-start', 'tool-call', 'task-end'], 'a runner cannot forge lifecycle events nor write malformed ones');
    assert.deepEqual(log.map((event) => event.seq), [1, 2, 3, 4, 5]);
    assert.deepEqual(log[0]?.data, { request: { repo: root, prompt: 'add a test', model: 'qwen3' }, root });
    assert.deepEqual(log[4]?.data, { status: 'succeeded', result: sampleResult() });
  });

  it('records a failed run with its error, and a failed outcome with its reason', async () => {
    const thrown = await createTask(app, root);
    await runner.started(2);
    runner.fail(thrown, new Error('the model server is down'));
    assert.deepEqual((await taskEnded(app, thrown)).data, { status: 'failed', error: 'the model server is down' });
    const noResult = await app.inject({ url: `/v1/tasks/${thrown}/result` });
    assert.equal(noResult.statusCode, 409);
    assert.match(noResult.json<ErrorEnvelope>().error.message, /ended failed without a result: the model server is down/);
    const outcome = await createTask(app, repoId);
    await runner.started(3);
    runner.finish(outcome, sampleResult({ outcome: 'failed', reason: 'tests still fail after 2 rounds' }));
    await taskEnded(app, outcome);
    const task = (await app.inject({ url: `/v1/tasks/${outcome}` })).json<Task>();
    assert.equal(task.status, 'failed');
    assert.equal(task.error, 'tests still fail after 2 rounds');
    assert.equal((await app.inject({ url: `/v1/tasks/${outcome}/result` })).statusCode, 200, 'a failed outcome still hands back its result');
  });

  it('cancels a queued task at once and a running one through its signal', async () => {
    const running = await createTask(app, root);
    const queued = await createTask(app, root);
    await runner.started(4);
    const cancelQueued = await app.inject({ method: 'POST', url: `/v1/tasks/${queued}/cancel` });
    assert.equal(cancelQueued.statusCode, 202);
    assert.deepEqual(cancelQueued.json(), { id: queued, status: 'cancelled' });
    const cancelRunning = await app.inject({ method: 'POST', url: `/v1/tasks/${running}/cancel` });
    assert.equal(cancelRunning.statusCode, 202);
    assert.equal((await taskEnded(app, running)).data.status, 'cancelled');
    assert.equal(runner.calls[3]?.signal.aborted, true);
    const again = await app.inject({ method: 'POST', url: `/v1/tasks/${running}/cancel` });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json<ErrorEnvelope>().error.code, 'conflict');
    await app.minions.tasks.flush();
    assert.deepEqual((await logOf(fixture, queued)).map((event) => event.type), ['task-queue', 'task-cancel', 'task-end']);
    assert.deepEqual((await logOf(fixture, running)).map((event) => event.type), ['task-queue', 'task-start', 'node-start', 'task-cancel', 'task-end']);
    assert.equal(runner.calls.length, 4, 'the cancelled queued task never ran');
  });

  it('lists tasks newest first, filtered by status and repository', async () => {
    const all = (await app.inject({ url: '/v1/tasks' })).json<TaskList>().tasks;
    assert.equal(all.length, 5);
    assert.deepEqual(all.map((task) => task.createdAt), all.map((task) => task.createdAt).sort().reverse());
    const cancelled = (await app.inject({ url: '/v1/tasks?status=cancelled' })).json<TaskList>().tasks;
    assert.equal(cancelled.length, 2);
    assert.equal((await app.inject({ url: `/v1/tasks?repo=${encodeURIComponent(root)}&status=succeeded` })).json<TaskList>().tasks.length, 1);
    assert.equal((await app.inject({ url: `/v1/tasks?repo=${repoId}` })).json<TaskList>().tasks.length, 5);
    assert.equal((await app.inject({ url: '/v1/tasks?repo=%2Felsewhere' })).json<TaskList>().tasks.length, 0);
  });

  it('refuses a task on an unregistered repository', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: join(fixture.folder, 'nope'), prompt: 'x' } });
    assert.equal(response.statusCode, 404);
  });

  it('reports tasks by status and model tokens in /metrics', async () => {
    const text = (await app.inject({ url: '/metrics' })).body;
    assert.match(text, /^minions_tasks\{status="succeeded"\} 1$/m);
    assert.match(text, /^minions_tasks\{status="failed"\} 2$/m);
    assert.match(text, /^minions_tasks\{status="cancelled"\} 2$/m);
    // Tokens are per model and blueprint now: two results of 100 in and 40 out, under the model each task asked for.
    assert.match(text, /^minions_model_tokens_total\{direction="input",model="qwen3",blueprint="default"\} 100$/m);
    assert.match(text, /^minions_model_tokens_total\{direction="input",model="default",blueprint="default"\} 100$/m);
    assert.match(text, /^minions_model_tokens_total\{direction="output",model="default",blueprint="default"\} 40$/m);
    assert.match(text, new RegExp(`^minions_repository_chunks\\{repository="${repoId}",root="[^"]+"\\} 3$`, 'm'));
    assert.match(text, /^minions_http_request_duration_seconds_count\{method="POST",route="\/v1\/tasks",status="202"\} \d+$/m);
    // prom-client writes `le` first; label order means nothing to Prometheus.
    assert.match(text, /^minions_http_request_duration_seconds_bucket\{le="\+Inf",method="GET",route="\/v1\/tasks\/:id",status="200"\} \d+$/m);
  });
});
