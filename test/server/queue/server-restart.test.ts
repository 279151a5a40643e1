// The server's side of the queue across a restart, on a real Redis: a task running on a
// worker stays running; what the worker reported while no server ran is read from the
// stream's backlog when the next one starts, in order, with forged lifecycle events dropped;
// a task still queued keeps its one job.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Queue } from 'bullmq';
import type { TaskEvent } from '../../../schemas/index.js';
import { connectRedis, eventStream, queueName, redisConnection, type WorkerMessage } from '../../../server/queue/redis-connection.js';
import { redisTaskQueue } from '../../../server/queue/redis-task-queue.js';
import { startRedis } from '../../support/redis-server.js';
import { sampleResult } from '../../support/scripted-runner.js';
import { sampleFiles, ServerFixture, taskEnded } from '../http/server-fixture.js';
import { taskEvent } from './queue-fixture.js';

describe('the Redis queue across a server restart', () => {
  it('keeps a task running on a worker, appends the backlog it left in the stream, and queues a waiting task once', async () => {
    const redis = await startRedis();
    const fixture = await ServerFixture.create();
    const connection = redisConnection(redis.url);
    const writer = connectRedis(connection, 'test-worker');
    const queue = new Queue(queueName, { connection });
    try {
      const root = await fixture.repo('repo', sampleFiles);
      const first = await fixture.build({ taskQueue: redisTaskQueue({ connection, retries: 1 }) });
      await fixture.register(first, root);
      const create = async (prompt: string): Promise<string> => (await first.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt } })).json<{ id: string }>().id;
      const reported = await create('reported while the server was down');
      const waiting = await create('still waiting');
      const send = (message: WorkerMessage): Promise<unknown> => writer.xadd(eventStream, '*', 'body', JSON.stringify(message));
      await send({ kind: 'start', task: reported, attempt: 1, worker: 'elsewhere:1' });
      await taskEvent(first, reported, 'task-start');
      await first.close();
      assert.equal(first.minions.tasks.get(reported)?.status, 'running', 'a server stopping leaves the workers their tasks');

      await send({ kind: 'event', task: reported, event: { type: 'node-start', data: { node: 'prepare', kind: 'deterministic', round: 0 } } });
      await send({ kind: 'event', task: reported, event: { type: 'task-end', data: { status: 'succeeded' } } });
      await send({ kind: 'end', task: reported, end: { status: 'succeeded', result: sampleResult() } });

      const second = await fixture.build({ taskQueue: redisTaskQueue({ connection, retries: 1 }) });
      const end = await taskEnded(second, reported);
      assert.equal(end.data.status, 'succeeded');
      const { past } = (await second.minions.tasks.follow(reported, 0, () => undefined)) ?? { past: [] as TaskEvent[] };
      assert.deepEqual(past.map((event) => event.type), ['task-queue', 'task-start', 'node-start', 'task-end']);
      assert.equal(second.minions.tasks.get(waiting)?.status, 'queued');
      assert.equal(await writer.xlen(eventStream), 0, 'the stream entries were acknowledged and deleted');
      // Queued again at the restart, the waiting task still has one job (its id is the task's).
      const jobs = await queue.getJobs(['waiting']);
      assert.deepEqual(jobs.map((job) => job.id).sort(), [reported, waiting].sort());
    } finally {
      await queue.close();
      writer.disconnect();
      await fixture.dispose();
      await redis.stop();
    }
  });
});
