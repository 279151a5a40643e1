import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { foldTask } from '../../../server/http/tasks/task-fold.js';
import { readTaskLog } from '../../../server/http/tasks/task-log.js';
import { TaskStore } from '../../../server/http/tasks/task-store.js';

const line = (seq: number, type: string, data: Record<string, unknown> = {}): string => `${JSON.stringify({ seq, time: `2026-01-01T00:00:0${seq}.000Z`, type, data })}\n`;
const queued = line(1, 'task-queued', { request: { repo: '/r', prompt: 'p' }, root: '/r' });

describe('task logs', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-task-log-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('reads complete lines, drops a torn last one and reports where the valid bytes end', async () => {
    const path = join(folder, 'torn.ndjson');
    await writeFile(path, `${queued}${line(2, 'task-started')}{"seq":3,"ti`);
    const log = await readTaskLog(path);
    assert.deepEqual(log.events.map((event) => event.type), ['task-queued', 'task-started']);
    assert.equal(log.torn, true);
    assert.equal(log.validBytes, Buffer.byteLength(queued + line(2, 'task-started')));
  });

  it('refuses a damaged line before the last, and numbering gaps', async () => {
    await writeFile(join(folder, 'middle.ndjson'), `${queued}not json\n${line(2, 'task-started')}`);
    await assert.rejects(readTaskLog(join(folder, 'middle.ndjson')), /Line 2 .* is not a valid task event/);
    await writeFile(join(folder, 'gap.ndjson'), `${queued}${line(3, 'task-started')}${line(4, 'node-start')}`);
    await assert.rejects(readTaskLog(join(folder, 'gap.ndjson')), /Line 2/);
  });

  it('folds events into a state; the first must be task-queued with a valid request', () => {
    const events = [queued, line(2, 'task-started'), line(3, 'tool-call'), line(4, 'task-end', { status: 'cancelled' })].map((text) => JSON.parse(text));
    const state = foldTask('t', events);
    assert.deepEqual(state.task, { id: 't', request: { repo: '/r', prompt: 'p' }, status: 'cancelled', createdAt: '2026-01-01T00:00:01.000Z', startedAt: '2026-01-01T00:00:02.000Z', endedAt: '2026-01-01T00:00:04.000Z' });
    assert.equal(state.lastSeq, 4);
    assert.throws(() => foldTask('t', events.slice(1)), /does not start with a valid task-queued event/);
    const bad = JSON.parse(line(1, 'task-queued', { request: { repo: '/r', prompt: 'p', extra: 1 }, root: '/r' }));
    assert.throws(() => foldTask('t', [bad]), /does not start with a valid task-queued event/);
  });

  it('loads a folder: damaged logs are skipped, running tasks end interrupted', async () => {
    const tasks = join(folder, 'tasks');
    await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    await writeFile(join(tasks, 'good.ndjson'), `${queued}${line(2, 'task-started')}`);
    await writeFile(join(tasks, 'bad.ndjson'), `garbage\n${queued}`);
    const store = await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    await store.close();
    assert.equal(store.get('good')?.status, 'interrupted');
    assert.equal(store.get('bad'), undefined);
    assert.match(await readFile(join(tasks, 'good.ndjson'), 'utf8'), /"seq":3,.*"type":"task-end","data":\{"status":"interrupted"/);
  });
});
