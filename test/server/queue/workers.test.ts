// One server on a real Redis (BullMQ), three `minions worker` processes, 30 tasks against
// the scripted Ollama; one worker is killed with SIGKILL in the middle of a task. Every
// task ends, none is lost or delivered twice, and each task's event stream is complete and
// in order over SSE (Last-Event-ID included). Then a cancel reaches the worker running a task.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Task, TaskEvent } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { redisConnection } from '../../../server/queue/redis-connection.js';
import { redisTaskQueue } from '../../../server/queue/redis-task-queue.js';
import { git, makeRepo, startAgentOllama, toolModel, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { startRedis, type RedisServer } from '../../support/redis-server.js';
import type { ScriptedOllama } from '../../support/scripted-ollama.js';
import { ServerFixture, taskEnded } from '../http/server-fixture.js';
import { editThenFinish, sseEvents, startWorker, taskEvent, temporaryFolder, type WorkerChild } from './queue-fixture.js';

const token = 'queue-test-token';
const files = { 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n', 'README.md': '# calc\n' };
const auth = { authorization: `Bearer ${token}` };

describe('tasks on a Redis queue run by worker processes', () => {
  let redis: RedisServer;
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let fixture: ServerFixture;
  let folder: { path: string; dispose(): Promise<void> };
  let app: App;
  let url: string;
  const workers: WorkerChild[] = [];
  const held = new Map<number, { arrived: () => void; release: Promise<void> }>();
  const hold = (job: number, release: Promise<void>): Promise<void> => new Promise((arrived) => held.set(job, { arrived, release }));

  before(async () => {
    redis = await startRedis();
    ollama = await startAgentOllama(
      editThenFinish(async (job) => {
        const gate = job === undefined ? undefined : held.get(job);
        if (gate === undefined) return;
        held.delete(job as number);
        gate.arrived();
        await gate.release;
      }),
    );
    repo = await makeRepo(files);
    folder = await temporaryFolder();
    fixture = await ServerFixture.create();
    // Two retries and an 8 s lock: a busy shared machine may stall a live worker once; the test is about the killed one.
    app = await fixture.build({ token, taskQueue: redisTaskQueue({ connection: redisConnection(redis.url), retries: 2 }), limits: { maxQueue: 100 } });
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', headers: auth, payload: { path: repo.root } });
    assert.ok(response.statusCode < 300, response.body);
    await app.minions.registry.idle();
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_TOKEN: token, MINIONS_QUEUE_LOCK: '8', MINIONS_QUEUE_STALLED_CHECK: '1', MINIONS_ALLOW_NETWORK_COMMANDS: '1', MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' };
    const started = await Promise.all([1, 2, 3].map((n) => startWorker(['--queue', redis.url, '--server', url, '--concurrency', '2', '--data-dir', `${folder.path}/worker-${n}`], env)));
    workers.push(...started);
  });

  after(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await fixture.dispose();
    await ollama.close();
    await redis.stop();
    await repo.dispose();
    await folder.dispose();
  });

  const submit = async (prompt: string): Promise<string> => {
    const response = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth, payload: { repo: repo.root, prompt } });
    assert.equal(response.statusCode, 202, response.body);
    return response.json<{ id: string }>().id;
  };

  it('runs 30 tasks on three workers; a worker killed mid-task loses none and delivers none twice', { timeout: 240_000 }, async () => {
    const base = git(repo.root, 'rev-parse', 'HEAD');
    let release = (): void => undefined;
    const victimHeld = hold(7, new Promise((resolve) => (release = resolve)));
    const ids: string[] = [];
    for (let job = 1; job <= 30; job++) ids.push(await submit(`Fix add in src/math.js (job ${job})`));
    const victim = ids[6] as string;
    await victimHeld;
    const start = await taskEvent(app, victim, 'task-start');
    const pid = Number(start.data.worker?.split(':').at(-1));
    const killed = workers.find((worker) => worker.pid === pid);
    assert.ok(killed, `the task runs on one of the workers (${start.data.worker ?? 'none'})`);
    killed.child.kill('SIGKILL');
    await killed.exited;
    release();

    const ends = await Promise.all(ids.map((id) => taskEnded(app, id)));
    assert.deepEqual(ends.map((end) => end.data.status), ids.map(() => 'succeeded'), JSON.stringify(ends.filter((end) => end.data.status !== 'succeeded').map((end) => end.data)));
    const tasks = await Promise.all(ids.map(async (id) => (await app.inject({ url: `/v1/tasks/${id}`, headers: auth })).json<Task>()));
    // Delivered once: one branch per task, one commit on it over the base.
    const branches = tasks.map((task) => task.result?.branch ?? '');
    assert.equal(new Set(branches).size, 30);
    assert.deepEqual(git(repo.root, 'branch', '--list', 'minions/*', '--format=%(refname:short)').split('\n').sort(), [...branches].sort());
    for (const task of tasks) {
      assert.equal(git(repo.root, 'rev-list', '--count', `${base}..${task.result?.branch ?? ''}`), '1', task.id);
      assert.equal(git(repo.root, 'rev-parse', task.result?.branch ?? ''), task.result?.commit);
    }
    // Each stream complete and in order, as a client reads it.
    for (const id of ids) {
      const events = await sseEvents(url, id, token);
      assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index + 1), id);
      assert.equal(events[0]?.type, 'task-queue');
      assert.equal(events.at(-1)?.type, 'task-end');
      const lastRun = events.slice(events.findLastIndex((event) => event.type === 'task-start'));
      for (const type of ['run-start', 'worktree-create', 'commit-create', 'run-end', 'worktree-remove']) assert.ok(lastRun.some((event) => event.type === type), `${id}: ${type}`);
      const resumed = await sseEvents(url, id, token, 3);
      assert.deepEqual(resumed, events.slice(3));
    }
    // The victim ran again on another worker, said so, and kept its own branch.
    const victimEvents = await sseEvents(url, victim, token);
    const starts = victimEvents.filter((event): event is Extract<TaskEvent, { type: 'task-start' }> => event.type === 'task-start');
    assert.ok(starts.length >= 2, 'the victim started again');
    assert.notEqual(starts.at(-1)?.data.worker, start.data.worker);
    assert.ok((starts.at(-1)?.data.attempt ?? 0) >= 2);
    assert.ok(victimEvents.some((event) => event.type === 'task-retry'));
    workers.splice(workers.indexOf(killed), 1);
  });

  it('a cancel reaches the worker running the task, which stops it', { timeout: 60_000 }, async () => {
    let release = (): void => undefined;
    const arrived = hold(99, new Promise((resolve) => (release = resolve)));
    const id = await submit('Fix add in src/math.js (job 99)');
    await arrived;
    const cancel = await app.inject({ method: 'POST', url: `/v1/tasks/${id}/cancel`, headers: auth });
    assert.equal(cancel.statusCode, 202, cancel.body);
    const end = await taskEnded(app, id);
    release();
    assert.equal(end.data.status, 'cancelled');
    const events = await sseEvents(url, id, token);
    assert.ok(events.some((event) => event.type === 'run-end' && event.data.outcome === 'cancelled'), 'the worker aborted the run and reported it');
    assert.ok(!events.some((event) => event.type === 'commit-create'));
  });
});
