import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { acquireLock, readLockHolder, type LockHolder } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';

const childEntry = fileURLToPath(new URL('./lock-child.ts', import.meta.url));

const isConflict = (pattern: RegExp) => (error: unknown) => error instanceof MinionsError && error.code === 'conflict' && pattern.test(error.message);

describe('lock files', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-lock-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('names a live holder in another process, and is taken over once that process is killed with SIGKILL', async () => {
    const path = join(folder, 'killed.lock');
    const child = spawn(process.execPath, ['--import', 'tsx', childEntry, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((done) => child.stdout.once('data', () => done()));
    await assert.rejects(acquireLock(path, { command: 'second' }), isConflict(new RegExp(`lock-child \\(pid ${child.pid} on .*, since .*\\) holds`)));
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited;
    const lock = await acquireLock(path, { command: 'after the kill' });
    assert.equal((await readLockHolder(path))?.command, 'after the kill');
    await lock.release();
    assert.equal(await readLockHolder(path), undefined);
  });

  it('waits for a holder that lets go, telling who it waits for once, and stops waiting when aborted', async () => {
    const path = join(folder, 'wait.lock');
    const first = await acquireLock(path, { command: 'first' });
    const told: string[] = [];
    const waiting = acquireLock(path, { command: 'second', waitMs: 60_000, pollMs: 5, onWait: (holder) => told.push(holder.command) });
    await new Promise<void>((done) => {
      const check = (): void => void (told.length > 0 ? done() : setImmediate(check));
      check();
    });
    await first.release();
    const second = await waiting;
    assert.deepEqual(told, ['first']);
    const controller = new AbortController();
    const third = acquireLock(path, { command: 'third', waitMs: 60_000, pollMs: 5, signal: controller.signal, onWait: () => controller.abort() });
    await assert.rejects(third, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    await second.release();
  });

  it('takes over a lock whose pid now names another process (pid reuse) or whose file is damaged, never one from another host', async () => {
    const path = join(folder, 'stale.lock');
    const reused: LockHolder = { command: 'old', pid: process.pid, hostname: hostname(), since: '2020-01-01T00:00:00.000Z', processStart: '1', token: 'old' };
    await writeFile(path, JSON.stringify(reused));
    await (await acquireLock(path, { command: 'new' })).release();
    await writeFile(path, '{"pid": 12');
    const lock = await acquireLock(path, { command: 'after damage' });
    assert.match(await readFile(path, 'utf8'), /after damage/);
    await lock.release();
    await writeFile(path, JSON.stringify({ ...reused, hostname: 'elsewhere', token: 'remote' }));
    await assert.rejects(acquireLock(path, { command: 'local' }), isConflict(/old \(pid \d+ on elsewhere/));
  });
});
