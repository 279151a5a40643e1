// The queue's policies on a password-protected Redis: with --task-retries 0 a task whose
// worker is killed ends `interrupted` when another worker picks it up (never runs twice);
// a Redis off loopback needs a password; a worker with a wrong token is refused at start.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { checkQueue } from '../../../server/cli/doctor-queue.js';
import { loadWorkerSettings, pathMapping } from '../../../server/cli/worker-command.js';
import { main } from '../../../server/index.js';
import { redisConnection } from '../../../server/queue/redis-connection.js';
import { redisTaskQueue } from '../../../server/queue/redis-task-queue.js';
import { git, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { startRedis } from '../../support/redis-server.js';
import { ServerFixture, taskEnded } from '../http/server-fixture.js';
import { editThenFinish, startWorker, taskEvent, temporaryFolder } from './queue-fixture.js';

const token = 'policy-token';
const auth = { authorization: `Bearer ${token}` };

describe('queue policies', () => {
  it('refuses a Redis off loopback without a password, and takes one with', () => {
    assert.throws(() => redisConnection('redis://10.1.2.3:6379'), /not on loopback, so it needs a password/);
    assert.deepEqual(redisConnection('redis://:s%40cret@10.1.2.3:6380/2'), { host: '10.1.2.3', port: 6380, password: 's@cret', db: 2, maxRetriesPerRequest: null });
    assert.equal(redisConnection('redis://localhost').port, 6379);
    assert.equal(redisConnection('redis://[::1]:7000').host, '::1');
    assert.throws(() => redisConnection('http://127.0.0.1:6379'), /redis:\/\/ or rediss:\/\//);
  });

  it('maps repository paths between server and worker, and needs a queue and a server', () => {
    const paths = pathMapping(['/srv/repos=/mnt/code']);
    assert.equal(paths.local('/srv/repos/app'), '/mnt/code/app');
    assert.equal(paths.server('/mnt/code/app'), '/srv/repos/app');
    assert.equal(paths.local('/srv/repository'), '/srv/repository', 'a prefix of a name is not a folder');
    assert.equal(pathMapping([]).local('/a/b'), '/a/b');
    assert.throws(() => pathMapping(['/srv']), /SERVER_PATH=WORKER_PATH/);
    assert.throws(() => loadWorkerSettings({}, { server: 'http://127.0.0.1:7337' }), /needs the queue/);
    assert.throws(() => loadWorkerSettings({ MINIONS_QUEUE: 'redis://127.0.0.1' }, {}), /needs its server/);
    const settings = loadWorkerSettings({ MINIONS_QUEUE: 'redis://127.0.0.1', MINIONS_SERVER: 'http://127.0.0.1:7337', MINIONS_QUEUE_LOCK: '90' }, { concurrency: '3' });
    assert.deepEqual([settings.concurrency, settings.lockMs, settings.stalledCheckMs], [3, 90_000, 30_000]);
  });

  it('ends a task interrupted when its worker is lost and no retry is left; a wrong token is refused', { timeout: 120_000 }, async () => {
    const redis = await startRedis({ password: 'p4ss' });
    // minions doctor: the queue answers with the password, not without; no check without MINIONS_QUEUE.
    const [healthy] = await checkQueue({ MINIONS_QUEUE: redis.url });
    assert.equal(healthy?.status, 'ok', healthy?.detail);
    assert.match(healthy?.detail ?? '', /^Redis \d[\d.]* at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: 0 waiting, 0 running, 0 failed$/);
    const [refused] = await checkQueue({ MINIONS_QUEUE: redis.url.replace(':p4ss@', ':wrong@') });
    assert.equal(refused?.status, 'fail');
    assert.deepEqual(await checkQueue({}), []);
    let arrived = (): void => undefined;
    const held = new Promise<void>((resolve) => (arrived = resolve));
    const never = new Promise<void>(() => undefined);
    const ollama = await startAgentOllama(editThenFinish(async () => (arrived(), never)));
    const repo = await makeRepo({ 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n' });
    const folder = await temporaryFolder();
    const fixture = await ServerFixture.create();
    const started: { stop(): Promise<unknown> }[] = [];
    try {
      const app = await fixture.build({ token, taskQueue: redisTaskQueue({ connection: redisConnection(redis.url), retries: 0 }) });
      assert.ok((await app.inject({ method: 'POST', url: '/v1/repositories', headers: auth, payload: { path: repo.root } })).statusCode < 300);
      await app.minions.registry.idle();
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

      const stderr = new PassThrough();
      let said = '';
      stderr.on('data', (data: Buffer) => (said += data.toString()));
      const io = { stdout: new PassThrough(), stderr, stdin: new PassThrough(), cwd: folder.path, env: { MINIONS_TOKEN: 'wrong', MINIONS_QUEUE: redis.url, OLLAMA_HOST: ollama.host }, signal: new AbortController().signal };
      assert.equal(await main(['worker', '--server', url, '--data-dir', `${folder.path}/refused`], io), 1);
      assert.match(said, /token/i);

      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_TOKEN: token, MINIONS_QUEUE: redis.url, MINIONS_QUEUE_LOCK: '5', MINIONS_QUEUE_STALLED_CHECK: '1', MINIONS_ALLOW_NETWORK_COMMANDS: '1', MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' };
      const first = await startWorker(['--server', url, '--concurrency', '1', '--data-dir', `${folder.path}/w1`], env);
      started.push(first);
      const created = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth, payload: { repo: repo.root, prompt: 'Fix add (job 1)' } });
      const id = created.json<{ id: string }>().id;
      await held;
      await taskEvent(app, id, 'task-start');
      first.child.kill('SIGKILL');
      await first.exited;
      started.push(await startWorker(['--server', url, '--concurrency', '1', '--data-dir', `${folder.path}/w2`], env));
      const end = await taskEnded(app, id);
      assert.equal(end.data.status, 'interrupted');
      assert.match(end.data.error ?? '', /lost 1 time\(s\) and no retry is left/);
      assert.equal(git(repo.root, 'rev-list', '--count', '--branches=minions/*', '^main'), '0', 'nothing was delivered');
    } finally {
      await Promise.all(started.map((worker) => worker.stop()));
      await fixture.dispose();
      await ollama.close();
      await redis.stop();
      await repo.dispose();
      await folder.dispose();
    }
  });
});
