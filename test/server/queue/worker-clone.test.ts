// A worker without the server's repository on its disk: `--clone SERVER_PATH=GIT_URL` clones
// the remote into the worker's cache, runs the task there (context still from the server),
// and pushes the task's branch back to the remote with plain git.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Task } from '../../../schemas/index.js';
import { redisConnection, redisTaskQueue } from '../../../server/queue/index.js';
import { git, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { startRedis } from '../../support/redis-server.js';
import { ServerFixture, taskEnded } from '../http/server-fixture.js';
import { editThenFinish, startWorker, temporaryFolder, type WorkerChild } from './queue-fixture.js';

const token = 'clone-token';
const auth = { authorization: `Bearer ${token}` };

describe('a worker on a clone of the remote', () => {
  it('runs the task in its cache and pushes the branch to the remote', { timeout: 120_000 }, async () => {
    const redis = await startRedis();
    const ollama = await startAgentOllama(editThenFinish());
    const repo = await makeRepo({ 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n', 'README.md': '# calc\n' });
    const folder = await temporaryFolder();
    const remote = join(folder.path, 'remote.git');
    execFileSync('git', ['clone', '--quiet', '--bare', repo.root, remote]);
    const fixture = await ServerFixture.create();
    let worker: WorkerChild | undefined;
    try {
      const app = await fixture.build({ token, taskQueue: redisTaskQueue({ connection: redisConnection(redis.url), retries: 1 }) });
      assert.ok((await app.inject({ method: 'POST', url: '/v1/repositories', headers: auth, payload: { path: repo.root } })).statusCode < 300);
      await app.minions.registry.idle();
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_TOKEN: token, MINIONS_QUEUE: redis.url, MINIONS_ALLOW_NETWORK_COMMANDS: '1', MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' };
      worker = await startWorker(['--server', url, '--clone', `${repo.root}=file://${remote}`, '--data-dir', join(folder.path, 'worker')], env);
      const created = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth, payload: { repo: repo.root, prompt: 'Fix add in src/math.js (job 1)' } });
      const id = created.json<{ id: string }>().id;
      const end = await taskEnded(app, id);
      assert.equal(end.data.status, 'succeeded', JSON.stringify(end.data));
      const task = (await app.inject({ url: `/v1/tasks/${id}`, headers: auth })).json<Task>();
      const branch = task.result?.branch ?? '';
      assert.equal(git(remote, 'rev-parse', `refs/heads/${branch}`), task.result?.commit, 'the branch is on the remote');
      assert.equal(git(remote, 'rev-list', '--count', `main..${branch}`), '1');
      assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '', "the server's checkout was not touched");
      assert.ok(ollama.requestsTo('/api/chat').length >= 2);
    } finally {
      await worker?.stop();
      await fixture.dispose();
      await ollama.close();
      await redis.stop();
      await repo.dispose();
      await folder.dispose();
    }
  });
});
