import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { discoverFiles, type DiscoveryEntry } from '../../../indexer/files/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { collect, createTempRepository, writeTree } from './temp-repository.js';

function skipped(entries: readonly DiscoveryEntry[], path: string): { reason: string; detail: string } | undefined {
  const entry = entries.find((candidate) => candidate.path === path);
  return entry?.type === 'skipped' ? { reason: entry.reason, detail: entry.detail } : undefined;
}

test('yields files with absolute path, size and mtime', async (t) => {
  const root = await createTempRepository(t, { 'src/a.ts': 'hello' });
  const [entry] = await collect(discoverFiles(root));
  const stats = await stat(join(root, 'src/a.ts'));
  assert.deepEqual(entry, { type: 'file', path: 'src/a.ts', absolutePath: join(root, 'src', 'a.ts'), size: 5, mtimeMs: stats.mtimeMs });
});

test('symbolic links are reported, never followed, inside or outside the repository', async (t) => {
  const outside = await createTempRepository(t, { 'secret.txt': 'outside' });
  const root = await createTempRepository(t, {
    'a/real.ts': 'x',
    'a/loop': { link: '..' },
    'inner.ts': { link: 'a/real.ts' },
    'outer.txt': { link: join(outside, 'secret.txt') },
    'outer-dir': { link: outside },
    'broken': { link: 'missing.ts' },
    'ping': { link: 'pong' },
    'pong': { link: 'ping' },
  });
  const entries = await collect(discoverFiles(root));
  assert.deepEqual(
    entries.map((entry) => `${entry.type === 'file' ? 'file' : entry.reason} ${entry.path}`),
    ['symlink a/loop', 'file a/real.ts', 'symlink broken', 'symlink inner.ts', 'symlink outer-dir', 'symlink outer.txt', 'symlink ping', 'symlink pong'],
  );
  assert.match(skipped(entries, 'a/loop')?.detail ?? '', /repository root \(inside the repository\); not followed/);
  assert.match(skipped(entries, 'inner.ts')?.detail ?? '', /to the file a\/real\.ts inside the repository/);
  assert.match(skipped(entries, 'outer.txt')?.detail ?? '', /to a file outside the repository/);
  assert.match(skipped(entries, 'outer-dir')?.detail ?? '', /to a directory outside the repository/);
  assert.match(skipped(entries, 'broken')?.detail ?? '', /broken symbolic link: its target \(inside the repository\) does not exist/);
  assert.match(skipped(entries, 'ping')?.detail ?? '', /symbolic link loop/);
  assert.ok(entries.every((entry) => entry.type === 'file' || !entry.detail.includes(outside)), 'no detail names a path outside the repository');
});

test('files over maxFileBytes are skipped as too-large with their size', async (t) => {
  const root = await createTempRepository(t, { 'big.ts': 'x'.repeat(2048), 'small.ts': 'x'.repeat(1024) });
  const entries = await collect(discoverFiles(root, { maxFileBytes: 1024 }));
  assert.deepEqual(skipped(entries, 'big.ts'), { reason: 'too-large', detail: 'file is 2,048 bytes, over the 1,024-byte limit' });
  assert.equal(entries.find((entry) => entry.path === 'small.ts')?.type, 'file');
});

test('the default cap is 1 MiB', async (t) => {
  const root = await createTempRepository(t, { 'at-cap.txt': 'x'.repeat(1024 * 1024), 'over.txt': 'x'.repeat(1024 * 1024 + 1) });
  const entries = await collect(discoverFiles(root));
  assert.deepEqual(entries.map((entry) => entry.type), ['file', 'skipped']);
});

test('output is sorted by path in code-unit order and stable across runs', async (t) => {
  const names = ['a.b', 'a-b/x', 'a/b', 'a/b.c/d', 'a0', 'A', 'Z/z', '_', '0', 'é', 'b/a/a', 'b/a.a'];
  const tree: Record<string, string> = {};
  for (const name of names) tree[name] = name;
  for (let directory = 0; directory < 40; directory += 1) {
    for (let file = 0; file < 25; file += 1) tree[`many/d${directory}/sub/f${file}.ts`] = 'x';
  }
  const root = await createTempRepository(t, tree);
  const first = (await collect(discoverFiles(root))).map((entry) => entry.path);
  const second = (await collect(discoverFiles(root))).map((entry) => entry.path);
  const expected = Object.keys(tree).sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
  assert.deepEqual(first, expected);
  assert.deepEqual(second, first);
});

test('a missing root or a file as root throws not-found', async (t) => {
  const root = await createTempRepository(t, { 'file.txt': 'x' });
  const isNotFound = (error: unknown) => error instanceof MinionsError && error.code === 'not-found';
  await assert.rejects(collect(discoverFiles(join(root, 'missing'))), isNotFound);
  await assert.rejects(collect(discoverFiles(join(root, 'file.txt'))), isNotFound);
  await assert.rejects(collect(discoverFiles(root, { maxFileBytes: 0 })), (error) => error instanceof MinionsError && error.code === 'invalid-argument');
});

test('an aborted signal stops the walk before and during iteration', async (t) => {
  const tree: Record<string, string> = {};
  for (let index = 0; index < 200; index += 1) tree[`d${index % 20}/f${index}.ts`] = 'x';
  const root = await createTempRepository(t, tree);
  await assert.rejects(collect(discoverFiles(root, { signal: AbortSignal.abort() })), { name: 'AbortError' });

  const controller = new AbortController();
  let seen = 0;
  await assert.rejects(async () => {
    for await (const entry of discoverFiles(root, { signal: controller.signal })) {
      assert.ok(entry);
      seen += 1;
      if (seen === 3) controller.abort();
    }
  }, { name: 'AbortError' });
  assert.equal(seen, 3);
});

test('breaking out early ends the walk cleanly', async (t) => {
  const tree: Record<string, string> = {};
  for (let index = 0; index < 300; index += 1) tree[`d${index % 30}/f${index}.ts`] = 'x';
  const root = await createTempRepository(t, tree);
  for await (const entry of discoverFiles(root)) {
    assert.equal(entry.path, 'd0/f0.ts');
    break;
  }
  assert.equal((await collect(discoverFiles(root))).length, 300);
});

test('sockets are passed over silently', async (t) => {
  const root = await createTempRepository(t, { 'a.ts': 'x' });
  const server = createServer();
  const listening = new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(join(root, 'socket'), resolve);
  });
  try {
    await listening;
  } catch {
    return t.skip('cannot create a unix socket here');
  }
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  assert.deepEqual((await collect(discoverFiles(root))).map((entry) => entry.path), ['a.ts']);
});

test('an unreadable directory is reported, not thrown', { skip: process.getuid?.() === 0 ? 'root reads every directory' : false }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'minions-files-'));
  t.after(async () => {
    await chmod(join(root, 'locked'), 0o755).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });
  await writeTree(root, { 'locked/a.ts': 'x', 'open.ts': 'x' });
  await chmod(join(root, 'locked'), 0o000);
  const entries = await collect(discoverFiles(root));
  assert.equal(skipped(entries, 'locked/')?.reason, 'unreadable');
  assert.equal(entries.find((entry) => entry.path === 'open.ts')?.type, 'file');
});

test('an empty directory yields nothing', async (t) => {
  const root = await createTempRepository(t);
  await mkdir(join(root, 'empty'));
  await writeFile(join(root, '.gitignore'), '');
  assert.deepEqual((await collect(discoverFiles(root))).map((entry) => entry.path), ['.gitignore']);
});
