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
const queued = line(1, 'task-queue', { request: { repo: '/r', prompt: 'p' }, root: '/r' });

describe('task logs', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-task-log-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('reads complete lines, drops a torn last one and reports where the valid bytes end', async () => {
    const path = join(folder, 'torn.ndjson');
    await writeFile(path, `${queued}${line(2, 'task-start')}{"seq":3,"ti`);
    const log = await readTaskLog(path);
    assert.deepEqual(log.events.map((event) => event.type), ['task-queue', 'task-start']);
    assert.equal(log.torn, true);
    assert.equal(log.validBytes, Buffer.byteLength(queued + line(2, 'task-start')));
  });

  it('skips a torn line before the last, keeping every valid event; refuses numbering gaps without one', async () => {
    // Issue 14: a torn middle line no longer makes the whole log unreadable.
    await writeFile(join(folder, 'middle.ndjson'), `${queued}not json\n${line(2, 'task-start')}`);
    const middle = await readTaskLog(join(folder, 'middle.ndjson'));
    assert.deepEqual([middle.events.map((event) => event.type), middle.damaged, middle.torn], [['task-queue', 'task-start'], 1, false]);
    await writeFile(join(folder, 'gap.ndjson'), `${queued}${line(3, 'task-start')}${line(4, 'node-start')}`);
    await assert.rejects(readTaskLog(join(folder, 'gap.ndjson')), /Line 2/);
  });

  it('folds events into a state; the first must be task-queue with a valid request', () => {
    const events = [queued, line(2, 'task-start'), line(3, 'tool-call'), line(4, 'task-end', { status: 'cancelled' })].map((text) => JSON.parse(text));
    const state = foldTask('t', events);
    assert.deepEqual(state.task, { id: 't', request: { repo: '/r', prompt: 'p' }, status: 'cancelled', createdAt: '2026-01-01T00:00:01.000Z', startedAt: '2026-01-01T00:00:02.000Z', endedAt: '2026-01-01T00:00:04.000Z' });
    assert.equal(state.lastSeq, 4);
    assert.throws(() => foldTask('t', events.slice(1)), /does not start with a valid task-queue event/);
    const bad = JSON.parse(line(1, 'task-queue', { request: { repo: '/r', prompt: 'p', extra: 1 }, root: '/r' }));
    assert.throws(() => foldTask('t', [bad]), /does not start with a valid task-queue event/);
  });

  it('loads a folder: damaged logs are skipped, running tasks end interrupted', async () => {
    const tasks = join(folder, 'tasks');
    await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    await writeFile(join(tasks, 'good.ndjson'), `${queued}${line(2, 'task-start')}`);
    await writeFile(join(tasks, 'bad.ndjson'), `garbage\n${queued}`);
    const store = await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    await store.close();
    assert.equal(store.get('good')?.status, 'interrupted');
    assert.equal(store.get('bad'), undefined);
    assert.match(await readFile(join(tasks, 'good.ndjson'), 'utf8'), /"seq":3,.*"type":"task-end","data":\{"status":"interrupted"/);
  });

  it('loads logs written with the old event names, under the new ones', async () => {
    const tasks = join(folder, 'old-names');
    await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    const old = (seq: number, type: string, data: Record<string, unknown> = {}): string => line(seq, type, data);
    const command = { node: 'check', command: 'npm test', exitCode: 0, signal: null, timedOut: false, durationMs: 40, output: 'ok' };
    const finished = [
      old(1, 'task-queued', { request: { repo: '/r', prompt: 'p' }, root: '/r' }),
      old(2, 'task-started'),
      old(3, 'node-start', { node: 'check', kind: 'deterministic', round: 0 }),
      old(4, 'command', command),
      old(5, 'task-cancel-requested'),
      old(6, 'task-end', { status: 'cancelled' }),
    ].join('');
    await writeFile(join(tasks, 'finished.ndjson'), finished);
    await writeFile(join(tasks, 'running.ndjson'), `${old(1, 'task-queued', { request: { repo: '/r', prompt: 'q' }, root: '/r' })}${old(2, 'task-started')}`);

    const log = await readTaskLog(join(tasks, 'finished.ndjson'));
    assert.deepEqual(log.events.map((event) => event.type), ['task-queue', 'task-start', 'node-start', 'command-end', 'task-cancel', 'task-end']);
    assert.equal(log.torn, false);
    assert.deepEqual(log.events[3]?.data, command);
    const network = { isolated: true, method: 'unshare', loopback: true, allowed: true, note: 'n' };
    const context = { rules: [], files: [], snippets: 0, tokens: 0, search: 'used' };
    const verdict = { passed: true, violations: [], files: 1, lines: 2 };
    const renamed = [old(1, 'task-queued', { request: { repo: '/r', prompt: 'p' }, root: '/r' }), old(2, 'command-network', network), old(3, 'context-ready', context), old(4, 'guardrail-verdict', verdict)].join('');
    await writeFile(join(folder, 'renamed.ndjson'), renamed);
    const renamedLog = await readTaskLog(join(folder, 'renamed.ndjson'));
    assert.deepEqual(renamedLog.events.map((event) => event.type), ['task-queue', 'network-check', 'context-gather', 'guardrail-check']);
    assert.deepEqual(renamedLog.events[3]?.data, verdict);

    const store = await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    assert.deepEqual(store.get('finished'), {
      id: 'finished',
      request: { repo: '/r', prompt: 'p' },
      status: 'cancelled',
      createdAt: '2026-01-01T00:00:01.000Z',
      startedAt: '2026-01-01T00:00:02.000Z',
      endedAt: '2026-01-01T00:00:06.000Z',
    });
    const followed = await store.follow('finished', 2, () => undefined);
    assert.deepEqual(followed?.past.map((event) => [event.seq, event.type]), [[3, 'node-start'], [4, 'command-end'], [5, 'task-cancel'], [6, 'task-end']]);
    await store.close();
    assert.equal(store.get('running')?.status, 'interrupted');

    // The interrupted log now mixes old names and a new task-end: it still loads.
    const again = await TaskStore.open(tasks, { log: pino({ level: 'silent' }) });
    await again.close();
    assert.equal(again.get('running')?.status, 'interrupted');
    assert.deepEqual((await readTaskLog(join(tasks, 'running.ndjson'))).events.map((event) => event.type), ['task-queue', 'task-start', 'task-end']);
  });

  it('refuses a line that is not a TaskEvent: an unknown type, or data of the wrong shape', async () => {
    const path = join(folder, 'shapes.ndjson');
    await writeFile(path, `${queued}${line(2, 'task-exploded')}${line(3, 'task-start')}`);
    await assert.rejects(readTaskLog(path), /Line 2 .* is not a valid task event/);
    await writeFile(path, `${queued}${line(2, 'node-start', { node: 'implement' })}${line(3, 'task-start')}`);
    await assert.rejects(readTaskLog(path), /Line 2 .* is not a valid task event/);
    await writeFile(path, `${queued}${line(2, 'task-end', { status: 'exploded' })}`);
    const torn = await readTaskLog(path);
    assert.deepEqual([torn.events.length, torn.torn], [1, true], 'an invalid last line is a torn write');
  });
});
