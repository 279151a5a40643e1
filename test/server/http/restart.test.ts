import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RepositoryList, Task, TaskEvent } from '../../../schemas/index.js';
import { ScriptedRunner, sampleResult } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, sampleFiles, taskEnded } from './server-fixture.js';

function parseLog(text: string): TaskEvent[] {
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as TaskEvent);
}

describe('persistence across a restart', () => {
  it('keeps repositories and tasks: running ones end interrupted on shutdown, queued ones run after the restart', async () => {
    const fixture = await ServerFixture.create();
    try {
      const first = new ScriptedRunner();
      const before = await fixture.build({ runner: first, limits: { concurrency: 1 } });
      const root = await fixture.repo('repo', sampleFiles);
      const repoId = await fixture.register(before, root);
      const running = await createTask(before, root, 'first');
      const queued = await createTask(before, root, 'second');
      await first.started(1);
      await before.close();
      assert.equal(first.calls[0]?.signal.aborted, true, 'shutdown aborts running tasks');

      const second = new ScriptedRunner({ auto: sampleResult() });
      const after = await fixture.build({ runner: second, limits: { concurrency: 1 } });
      const repositories = (await after.inject({ url: '/v1/repositories' })).json<RepositoryList>().repositories;
      assert.deepEqual(repositories.map((repository) => repository.id), [repoId], 're-registered from the data directory');
      assert.equal(repositories[0]?.chunks, 3, 'counts known from the index before the refresh ends');
      await after.minions.registry.idle();
      assert.equal((await after.inject({ url: `/v1/repositories/${repoId}` })).json<{ status: string }>().status, 'ready');

      const interrupted = (await after.inject({ url: `/v1/tasks/${running}` })).json<Task>();
      assert.equal(interrupted.status, 'interrupted');
      assert.match(interrupted.error ?? '', /server stopped/);
      assert.equal((await taskEnded(after, queued)).data.status, 'succeeded', 'the queued task ran after the restart');
      assert.deepEqual(second.startedIds, [queued]);
      const events = (await after.inject({ url: `/v1/tasks/${running}/events` })).body;
      assert.match(events, /^id: 1\nevent: task-queue\n/m);
      assert.match(events, /^id: 4\nevent: task-end\ndata: .*"status":"interrupted"/m);
    } finally {
      await fixture.dispose();
    }
  });

  it('marks a task that was running when the process died as interrupted, ignoring a torn last line', async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const before = await fixture.build({ runner });
      const root = await fixture.repo('repo', sampleFiles);
      await fixture.register(before, root);
      const id = await createTask(before, root);
      await runner.started(1);
      await before.minions.tasks.flush();
      const path = join(fixture.dataDir, 'tasks', `${id}.ndjson`);
      const crashed = await readFile(path, 'utf8');
      assert.deepEqual(parseLog(crashed).map((event) => event.type), ['task-queue', 'task-start', 'node-start']);
      await before.close();
      // What the file held when the process died: the running task, and half of an event being written.
      await writeFile(path, `${crashed}{"seq":4,"time":"2026-01-01T00:00:00.000Z","type":"tool-call","da`);

      const after = await fixture.build({ runner: new ScriptedRunner() });
      const task = (await after.inject({ url: `/v1/tasks/${id}` })).json<Task>();
      assert.equal(task.status, 'interrupted');
      await after.minions.tasks.flush();
      const log = parseLog(await readFile(path, 'utf8'));
      assert.deepEqual(log.map((event) => [event.seq, event.type]), [[1, 'task-queue'], [2, 'task-start'], [3, 'node-start'], [4, 'task-end']]);
      const end = log[3];
      assert.equal(end?.type === 'task-end' && end.data.status, 'interrupted');
    } finally {
      await fixture.dispose();
    }
  });
});
