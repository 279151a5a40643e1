import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPathFilter, discoverFiles, type DiscoveryEntry, type PathFilter } from '../../../indexer/files/index.js';
import { collect, createTempRepository, type TreeSpec } from './temp-repository.js';

const tree: TreeSpec = {
  '.gitignore': '*.log\n/anchored.txt\nbuild/\ndocs/*.md\n!docs/keep.md\n',
  '.minionsignore': 'fixtures/\n!keep.gen.ts\n',
  '.git/HEAD': 'ref: refs/heads/main\n',
  '.git/info/exclude': 'secret.ts\n',
  'secret.ts': 'x',
  'app.log': 'x',
  'anchored.txt': 'x',
  'keep.gen.ts': 'x',
  'build/out.js': 'x',
  'docs/a.md': 'x',
  'docs/keep.md': 'x',
  'docs/sub/b.md': 'x',
  'fixtures/big.json': '{}',
  'node_modules/left-pad/index.js': 'x',
  'packages/web/node_modules/react/index.js': 'x',
  'src/.gitignore': '!keep.log\n*.tmp\n',
  'src/app.log': 'x',
  'src/keep.log': 'x',
  'src/anchored.txt': 'x',
  'src/build': 'a file: build/ matches directories only',
  'src/a.tmp': 'x',
  'src/link.ts': { link: 'anchored.txt' },
  'pkg/.gitignore': '!build/\n/local/\n',
  'pkg/build/x.ts': 'x',
  'pkg/local/y.ts': 'x',
  'pkg/sub/local/z.ts': 'x',
  'pkg/sub/.git': 'gitdir: ../../.git/modules/sub\n',
};

/** Every regular file and link under root, ignored or not, as relative paths with their kind. */
async function everyEntry(root: string): Promise<Array<{ path: string; kind: 'file' | 'symlink' }>> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() || entry.isSymbolicLink())
    .map((entry) => ({ path: join(entry.parentPath, entry.name).slice(root.length + 1).split('\\').join('/'), kind: entry.isFile() ? ('file' as const) : ('symlink' as const) }));
}

async function discovered(root: string): Promise<Set<string>> {
  const entries = await collect(discoverFiles(root));
  return new Set(entries.filter((entry): entry is Extract<DiscoveryEntry, { type: 'file' }> => entry.type === 'file').map((entry) => entry.path));
}

async function assertAgrees(root: string, filter: PathFilter): Promise<void> {
  const found = await discovered(root);
  for (const { path, kind } of await everyEntry(root)) {
    assert.equal(!filter.excludes(path, kind), found.has(path), `${path} (${kind}): the filter and discovery disagree`);
    // Not knowing the kind never excludes a path that discovery yields.
    if (found.has(path)) assert.equal(filter.excludes(path), false, `${path} with an unknown kind`);
  }
}

test('the path filter excludes exactly what discovery leaves out', async (t) => {
  const root = await createTempRepository(t, tree);
  const filter = await createPathFilter(root);
  await assertAgrees(root, filter);
  assert.equal(filter.excludes('node_modules', 'directory'), true);
  assert.equal(filter.excludes('node_modules'), false, 'a file may be called node_modules: unknown kind is not excluded');
  assert.equal(filter.excludes('node_modules/left-pad/index.js'), true, 'below an always-skipped directory, whatever it is');
  assert.equal(filter.excludes('build'), false, 'build/ is directory-only: unknown kind is not excluded');
  assert.equal(filter.excludes('build', 'directory'), true);
  assert.equal(filter.excludes(''), false, 'the root');
  assert.equal(filter.isRuleFile('src/.gitignore'), true);
  assert.equal(filter.isRuleFile('src/.minionsignore'), true);
  assert.equal(filter.isRuleFile('src/gitignore.ts'), false);
  assert.equal(filter.excludeFile, join(root, '.git', 'info', 'exclude'));
});

test('reload applies changed ignore files and info/exclude', async (t) => {
  const root = await createTempRepository(t, tree);
  const filter = await createPathFilter(root);
  assert.equal(filter.excludes('src/a.tmp', 'file'), true);
  await writeFile(join(root, 'src/.gitignore'), '!keep.log\n');
  await writeFile(join(root, '.git/info/exclude'), 'keep.gen.ts\n');
  assert.equal(filter.excludes('src/a.tmp', 'file'), true, 'cached until reload');
  await filter.reload();
  assert.equal(filter.excludes('src/a.tmp', 'file'), false);
  assert.equal(filter.excludes('secret.ts', 'file'), false);
  await assertAgrees(root, filter);
});

test('extraIgnore wins over the ignore files, as in discovery', async (t) => {
  const root = await createTempRepository(t, { '.gitignore': '!*.ts\n', 'a.ts': 'x', 'b.ts': 'x', 'gen/c.ts': 'x' });
  const filter = await createPathFilter(root, { extraIgnore: ['b.ts', 'gen/'] });
  assert.deepEqual(['a.ts', 'b.ts', 'gen/c.ts'].map((path) => filter.excludes(path, 'file')), [false, true, true]);
});
