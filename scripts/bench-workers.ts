// Tasks per minute through the Redis queue with 1, 2 and 3 `minions worker` processes (one
// task at a time each) against one server, on a real redis-server, with the scripted Ollama
// answering at once: this measures the harness (queue, worker, git worktrees, event stream,
// task logs), not a model. The worker counts are interleaved round by round, so a busy
// moment of a shared machine falls on all of them alike. Workers start before the clock.
//   npm run bench:workers [-- --tasks 24] [-- --rounds 3]
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { redisConnection } from '../server/queue/redis-connection.js';
import { redisTaskQueue } from '../server/queue/redis-task-queue.js';
import { makeRepo, startAgentOllama, toolModel } from '../test/agent/agent-fixtures.js';
import { ServerFixture, taskEnded } from '../test/server/http/server-fixture.js';
import { editThenFinish, startWorker, temporaryFolder, type WorkerChild } from '../test/server/queue/queue-fixture.js';
import { startRedis } from '../test/support/redis-server.js';

const { values } = parseArgs({ options: { tasks: { type: 'string', default: '24' }, rounds: { type: 'string', default: '3' } } });
const tasks = Number(values.tasks);
const rounds = Number(values.rounds);
const counts = [1, 2, 3];
const token = 'bench-token';
const auth = { authorization: `Bearer ${token}` };

const redis = await startRedis();
const ollama = await startAgentOllama(editThenFinish());
const repo = await makeRepo({ 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n', 'README.md': '# calc\n' });
const folder = await temporaryFolder();
const fixture = await ServerFixture.create();
const app = await fixture.build({ token, taskQueue: redisTaskQueue({ connection: redisConnection(redis.url), retries: 1 }), limits: { maxQueue: 1000 } });
await app.inject({ method: 'POST', url: '/v1/repositories', headers: auth, payload: { path: repo.root } });
await app.minions.registry.idle();
await app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_TOKEN: token, MINIONS_QUEUE: redis.url, MINIONS_ALLOW_NETWORK_COMMANDS: '1', MINIONS_ALLOW_UNSANDBOXED_COMMANDS: '1' };

/** Wall seconds for `tasks` tasks on `workers` fresh workers, from the first submit to the last end. */
async function measure(workers: number, round: number): Promise<number> {
  const started: WorkerChild[] = await Promise.all(Array.from({ length: workers }, (_, n) => startWorker(['--server', url, '--concurrency', '1', '--data-dir', `${folder.path}/r${round}-w${workers}-${n}`], env)));
  try {
    const clock = performance.now();
    const ids: string[] = [];
    for (let job = 0; job < tasks; job++) {
      const response = await app.inject({ method: 'POST', url: '/v1/tasks', headers: auth, payload: { repo: repo.root, prompt: `Fix add (job ${round}-${workers}-${job})` } });
      ids.push(response.json<{ id: string }>().id);
    }
    const ends = await Promise.all(ids.map((id) => taskEnded(app, id)));
    const seconds = (performance.now() - clock) / 1000;
    const failed = ends.filter((end) => end.data.status !== 'succeeded');
    if (failed.length > 0) throw new Error(`${failed.length} tasks did not succeed: ${JSON.stringify(failed[0]?.data)}`);
    return seconds;
  } finally {
    await Promise.all(started.map((worker) => worker.stop()));
  }
}

const results = new Map<number, number[]>(counts.map((count) => [count, []]));
try {
  for (let round = 1; round <= rounds; round++) {
    for (const count of counts) {
      const seconds = await measure(count, round);
      results.get(count)?.push(seconds);
      console.log(`round ${round}: ${count} worker(s): ${tasks} tasks in ${seconds.toFixed(1)} s`);
    }
  }
} finally {
  await fixture.dispose();
  await ollama.close();
  await redis.stop();
  await repo.dispose();
  await folder.dispose();
}

const git = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
console.log(`\n${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${git}; ${tasks} tasks a measurement, ${rounds} rounds interleaved`);
const median = (count: number): number => {
  const sorted = [...(results.get(count) ?? [])].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Infinity;
};
console.log('| workers | tasks/min (median round) | all rounds (s) | vs 1 worker |');
console.log('| --- | --- | --- | --- |');
for (const count of counts) {
  const perMinute = (tasks / median(count)) * 60;
  console.log(`| ${count} | ${perMinute.toFixed(1)} | ${(results.get(count) ?? []).map((seconds) => seconds.toFixed(1)).join(', ')} | ${(median(1) / median(count)).toFixed(2)}x |`);
}
