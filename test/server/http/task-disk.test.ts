// Issue 14, data integrity 6: task logs on a full disk. Short writes are continued,
// a task is acknowledged (202) only once its first line is on disk, and a log with a
// torn middle line keeps every valid event. The disk is simulated by injecting the
// log's file (a real file that writes short or fails with ENOSPC), not by module mocks.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { ErrorEnvelope, TaskList } from '../../../schemas/index.js';
import { openLogFile, readTaskLog, type LogFile, type OpenLogFile } from '../../../server/http/tasks/task-log.js';
import { TaskStore } from '../../../server/http/tasks/task-store.js';
import { ScriptedRunner } from '../../support/scripted-runner.js';
import { ServerFixture, sampleFiles } from './server-fixture.js';

const silent = pino({ level: 'silent' });
const diskFull = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** A disk whose files write at most `chunk` bytes a call; while `full`, a write takes `partial` bytes once (a short write), then fails with ENOSPC. */
class FlakyDisk {
  full = false;
  partial = 0;
  writes = 0;
  constructor(private readonly chunk = Number.POSITIVE_INFINITY) {}

  readonly open: OpenLogFile = async (path, flags) => {
    const file = await openLogFile(path, flags);
    const flaky: LogFile = {
      write: async (buffer, offset, length) => {
        this.writes++;
        if (this.full) {
          const partial = Math.min(length, this.partial);
          this.partial = 0;
          if (partial > 0) return file.write(buffer, offset, partial);
          throw diskFull();
        }
        return file.write(buffer, offset, Math.min(length, this.chunk));
      },
      datasync: () => file.datasync(),
      close: () => file.close(),
    };
    return flaky;
  };
}

const line = (seq: number, type: string, data: Record<string, unknown> = {}): string => `${JSON.stringify({ seq, time: `2026-01-01T00:00:0${seq}.000Z`, type, data })}\n`;
const queued = line(1, 'task-queue', { request: { repo: '/r', prompt: 'p' }, root: '/r' });

describe('task logs on a full disk', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-task-disk-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('continues short writes: every event lands whole', async () => {
    const disk = new FlakyDisk(7);
    const tasks = join(folder, 'short');
    const store = await TaskStore.open(tasks, { log: silent, openFile: disk.open });
    const task = await store.create({ repo: '/r', prompt: 'a prompt long enough to need many writes' }, '/r');
    store.append(task.id, { type: 'task-start', data: {} });
    store.end(task.id, { status: 'cancelled' });
    await store.close();
    assert.ok(disk.writes > 10, 'the file took a few bytes a call');
    const loaded = await readTaskLog(join(tasks, `${task.id}.ndjson`));
    assert.deepEqual([loaded.events.map((event) => event.type), loaded.torn, loaded.damaged], [['task-queue', 'task-start', 'task-end'], false, 0]);
  });

  it('refuses to record a task it cannot write, and leaves no file behind', async () => {
    const disk = new FlakyDisk();
    disk.full = true;
    disk.partial = 10;
    const tasks = join(folder, 'full');
    const store = await TaskStore.open(tasks, { log: silent, openFile: disk.open });
    await assert.rejects(store.create({ repo: '/r', prompt: 'p' }, '/r'), (error: Error & { code?: string }) => error.code === 'insufficient-storage' && /disk .* is full/.test(error.message));
    assert.deepEqual(store.list(), []);
    assert.deepEqual(await readdir(tasks), []);
    await store.close();
  });

  it('a write that fails mid-line is skipped on reading; later events stay readable', async () => {
    const disk = new FlakyDisk();
    const tasks = join(folder, 'recover');
    const store = await TaskStore.open(tasks, { log: silent, openFile: disk.open });
    const task = await store.create({ repo: '/r', prompt: 'p' }, '/r');
    disk.full = true;
    disk.partial = 12;
    store.append(task.id, { type: 'task-start', data: {} });
    await store.flush();
    disk.full = false;
    store.end(task.id, { status: 'cancelled' });
    await store.close();
    const text = await readFile(join(tasks, `${task.id}.ndjson`), 'utf8');
    assert.equal(text.split('\n').length, 4, 'the torn fragment is a line of its own');
    const loaded = await readTaskLog(join(tasks, `${task.id}.ndjson`));
    assert.deepEqual(loaded.events.map((event) => [event.seq, event.type]), [[1, 'task-queue'], [3, 'task-end']]);
    const reopened = await TaskStore.open(tasks, { log: silent });
    assert.equal(reopened.get(task.id)?.status, 'cancelled');
    await reopened.close();
  });

  it('recovers a finished log with a torn middle line (a short write followed by the next event): every valid event and the end state', async () => {
    const tasks = join(folder, 'torn-middle');
    await TaskStore.open(tasks, { log: silent });
    const torn = `${line(3, 'task-cancel').slice(0, 15)}${line(4, 'task-end', { status: 'cancelled' })}`;
    await writeFile(join(tasks, 'finished.ndjson'), `${queued}${line(2, 'task-start')}${torn}`);
    await writeFile(join(tasks, 'running.ndjson'), `${queued}${line(2, 'task-start')}not json at all\n${line(4, 'task-cancel')}`);
    const store = await TaskStore.open(tasks, { log: silent });
    const finished = await store.follow('finished', 0, () => undefined);
    assert.deepEqual(finished?.past.map((event) => [event.seq, event.type]), [[1, 'task-queue'], [2, 'task-start'], [4, 'task-end']]);
    assert.equal(store.get('finished')?.status, 'cancelled');
    await store.close();
    assert.equal(store.get('running')?.status, 'interrupted', 'a live log with a torn middle line still loads and is marked interrupted');
    const running = await readTaskLog(join(tasks, 'running.ndjson'));
    assert.deepEqual(running.events.map((event) => [event.seq, event.type]), [[1, 'task-queue'], [2, 'task-start'], [4, 'task-cancel'], [5, 'task-end']]);
  });
});

describe('POST /v1/tasks on a full disk', () => {
  let fixture: ServerFixture;
  const disk = new FlakyDisk();
  before(async () => {
    fixture = await ServerFixture.create();
  });
  after(() => fixture.dispose());

  it('answers 507 insufficient-storage and creates no task; 202 once there is space', async () => {
    const app = await fixture.build({ runner: new ScriptedRunner(), taskFiles: disk.open });
    const root = await fixture.repo('repo', sampleFiles);
    await fixture.register(app, root);
    disk.full = true;
    const refused = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'p' } });
    assert.equal(refused.statusCode, 507);
    assert.equal(refused.json<ErrorEnvelope>().error.code, 'insufficient-storage');
    assert.deepEqual((await app.inject({ url: '/v1/tasks' })).json<TaskList>().tasks, []);
    assert.deepEqual(await readdir(join(fixture.dataDir, 'tasks')), []);
    disk.full = false;
    const accepted = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'p' } });
    assert.equal(accepted.statusCode, 202);
    const { id } = accepted.json<{ id: string }>();
    const first = (await readFile(join(fixture.dataDir, 'tasks', `${id}.ndjson`), 'utf8')).split('\n')[0] ?? '';
    assert.match(first, /"seq":1,.*"type":"task-queue"/, 'the first line is on disk when 202 is answered');
  });
});
