import assert from 'node:assert/strict';
import { chmod, open } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAndClassify } from '../../../indexer/files/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { createTempRepository } from './temp-repository.js';

test('reads and classifies a file', async (t) => {
  const root = await createTempRepository(t, { 'a.ts': 'export const a = 1;\n', 'bin.dat': new Uint8Array([1, 0, 2]) });
  assert.deepEqual(await readAndClassify(join(root, 'a.ts'), 'a.ts'), { ok: true, text: 'export const a = 1;\n' });
  assert.equal((await readAndClassify(join(root, 'bin.dat'), 'bin.dat')).ok, false);
});

test('a missing file or a directory is unreadable, never thrown', async (t) => {
  const root = await createTempRepository(t, { 'dir/a.ts': 'x' });
  assert.deepEqual(await readAndClassify(join(root, 'gone.ts'), 'gone.ts'), {
    ok: false,
    reason: 'unreadable',
    detail: 'file could not be read: it no longer exists',
  });
  assert.deepEqual(await readAndClassify(join(root, 'dir'), 'dir'), { ok: false, reason: 'unreadable', detail: 'not a regular file' });
});

test('a file without read permission is unreadable', { skip: process.getuid?.() === 0 ? 'root reads every file' : false }, async (t) => {
  const root = await createTempRepository(t, { 'locked.ts': 'x' });
  await chmod(join(root, 'locked.ts'), 0o000);
  assert.deepEqual(await readAndClassify(join(root, 'locked.ts'), 'locked.ts'), {
    ok: false,
    reason: 'unreadable',
    detail: 'file could not be read: permission denied',
  });
});

test('a file over the cap is judged by its size without being read', async (t) => {
  const root = await createTempRepository(t, { 'sparse.bin': '' });
  // A sparse 3 GiB file: reading it would take seconds and more memory than a Buffer may hold.
  const handle = await open(join(root, 'sparse.bin'), 'r+');
  await handle.truncate(3 * 1024 ** 3);
  await handle.close();
  assert.deepEqual(await readAndClassify(join(root, 'sparse.bin'), 'sparse.bin'), {
    ok: false,
    reason: 'too-large',
    detail: 'file is 3,221,225,472 bytes, over the 1,048,576-byte limit',
  });
});

test('a name rule decides before any read', async () => {
  const result = await readAndClassify(join('nowhere', 'package-lock.json'), 'package-lock.json');
  assert.equal(result.ok ? 'ok' : result.reason, 'generated');
});

test('an aborted signal rejects; a bad cap is an invalid-argument error', async (t) => {
  const root = await createTempRepository(t, { 'a.ts': 'x' });
  await assert.rejects(readAndClassify(join(root, 'a.ts'), 'a.ts', { signal: AbortSignal.abort() }), { name: 'AbortError' });
  await assert.rejects(
    readAndClassify(join(root, 'a.ts'), 'a.ts', { maxFileBytes: -1 }),
    (error) => error instanceof MinionsError && error.code === 'invalid-argument',
  );
});
