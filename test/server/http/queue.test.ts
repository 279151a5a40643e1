import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ErrorEnvelope, TaskList } from '../../../schemas/index.js';
import { ScriptedRunner } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, sampleFiles, taskEnded } from './server-fixture.js';

describe('the task queue', () => {
  it('runs tasks first in first out within the concurrency limit, and answers 429 with Retry-After when full', async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const app = await fixture.build({ runner, limits: { concurrency: 2, maxQueue: 3 } });
      const root = await fixture.repo('repo', sampleFiles);
      await fixture.register(app, root);
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) ids.push(await createTask(app, root, `task ${index}`));
      await runner.started(2);
      assert.deepEqual(runner.startedIds, ids.slice(0, 2), 'two run at once');
      assert.equal(app.minions.queue.sizes.waiting, 3);
      const full = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'one too many' } });
      assert.equal(full.statusCode, 429);
      assert.equal(full.headers['retry-after'], '30', 'no task has finished yet: the default estimate');
      const body = full.json<ErrorEnvelope>();
      assert.equal(body.error.code, 'queue-full');
      assert.deepEqual(body.error.details, { retryAfterSeconds: 30 });
      assert.equal((await app.inject({ url: '/v1/tasks' })).json<TaskList>().tasks.length, 5, 'a refused task is not created');
      for (const [index, id] of ids.entries()) {
        await runner.started(index + 1);
        const ended = taskEnded(app, id);
        runner.finish(id);
        await ended;
      }
      assert.deepEqual(runner.startedIds, ids, 'started in the order they were queued');
      const after = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'room again' } });
      assert.equal(after.statusCode, 202);
    } finally {
      await fixture.dispose();
    }
  });

  it('admits no more than the limit when requests race', async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const app = await fixture.build({ runner, limits: { concurrency: 1, maxQueue: 2 } });
      const root = await fixture.repo('repo', sampleFiles);
      await fixture.register(app, root);
      const responses = await Promise.all(Array.from({ length: 8 }, () => app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'race' } })));
      const statuses = responses.map((response) => response.statusCode).sort();
      // One runs at once (it may leave the queue before the others arrive), two wait.
      assert.ok(statuses.filter((status) => status === 202).length <= 3);
      assert.ok(statuses.filter((status) => status === 202).length >= 2);
      assert.ok(statuses.every((status) => status === 202 || status === 429));
    } finally {
      await fixture.dispose();
    }
  });
});
