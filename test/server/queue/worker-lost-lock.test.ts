// A worker that stops renewing its lock without dying (a paused process, SIGSTOP) loses its
// task to another worker; when it wakes it notices (BullMQ's failed lock renewal), stops the
// run and sends nothing more: the other attempt alone reports and delivers the task.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { redisConnection, redisTaskQueue } from '../../../server/queue/index.js';
import { git, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { startRedis } from '../../support/redis-server.js';
import { ServerFixture, taskEnded } from '../http/server-fixture.js';
import { editThenFinish, sseEvents, startWorker, taskEvent, temporaryFolder, type WorkerChild } from './queue-fixture.js';

const token = 'lock-token';
const auth = { authorization: `Bearer ${token}` };

describe('a worker that lost its lock', () => {
  it('stops its run when it wakes, and the task is reported and delivered once by the other attempt', { timeout: 120_000 }, async () => {
    const redis = await startRedis();
    let arrived = (): void => undefined;
    const firstTurn = new Promise<void>((resolve) => (arrived = resolve));
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let held = false;
    const ollama = await startAgentOllama(
      editThenFinish(async () => {
        if (held) return;
        held = true;
        arrived();
        await gate;
      }),
    );
    const repo = await makeRepo({ 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n' });
    const folder = await temporaryFolder();
    const fixture = await ServerFixture.create();
    const workers: WorkerChild[] = [];
    try {
      const app = await fixture.build({ token, taskQueue: redisTaskQueue({ connection: redisConnection(redis.url), retries: 1 }) });
      assert.ok((await app.inject({ method: 'POST', url: '/v1/repositories', headers: auth, payload: { path: repo.root } })).statusCode < 300);
      await app.minions.registry.idle();
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_TOKEN: token, MINIONS_QUEUE: redis.url, MINIONS_QUEUE_LOCK: '5', MINIONS_QUEUE_STALLED_CHECK: '1', MINIONS_ALLOW_NETWORK_COMMANDS: '1', MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' };
      const sleeper = await startWorker(['--server', url, '--concurrency', '1', '--data-dir', `${folder.path}/w1`], env);
      workers.push(sleeper);
      const id = (await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth, payload: { repo: repo.root, prompt: 'Fix add (job 1)' } })).json<{ id: string }>().id;
      await firstTurn;
      sleeper.child.kill('SIGSTOP');
      workers.push(await startWorker(['--server', url, '--concurrency', '1', '--data-dir', `${folder.path}/w2`], env));
      await taskEvent(app, id, 'task-retry');
      sleeper.child.kill('SIGCONT');
      await sleeper.said('lost the lock of a running task');
      // Only now may the sleeper's model turn answer: it must not act on it.
      release();
      const end = await taskEnded(app, id);
      assert.equal(end.data.status, 'succeeded', JSON.stringify(end.data));
      const events = await sseEvents(url, id, token);
      const afterRetry = events.slice(events.findIndex((event) => event.type === 'task-retry'));
      assert.deepEqual(afterRetry.filter((event) => event.type === 'run-start' || event.type === 'run-end').map((event) => event.type), ['run-start', 'run-end']);
      assert.equal(events.filter((event) => event.type === 'task-end').length, 1);
      assert.equal(git(repo.root, 'rev-list', '--count', `main..${end.data.result?.branch ?? ''}`), '1');
    } finally {
      for (const worker of workers) worker.child.kill('SIGCONT');
      await Promise.all(workers.map((worker) => worker.stop()));
      await fixture.dispose();
      await ollama.close();
      await redis.stop();
      await repo.dispose();
      await folder.dispose();
    }
  });
});
