import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { discoverFiles, type DiscoveryEntry } from '../../../indexer/files/index.js';
import { collect, createTempRepository, type TreeSpec } from './temp-repository.js';

const run = promisify(execFile);

async function filePaths(root: string, extraIgnore?: string[]): Promise<string[]> {
  const entries = await collect(discoverFiles(root, { extraIgnore }));
  return entries.filter((entry): entry is Extract<DiscoveryEntry, { type: 'file' }> => entry.type === 'file').map((entry) => entry.path);
}

/** What git itself reports as untracked and not ignored, with no user or system configuration. */
async function gitUntracked(root: string): Promise<string[] | undefined> {
  const env = { ...process.env, HOME: root, XDG_CONFIG_HOME: root, GIT_CONFIG_NOSYSTEM: '1' };
  try {
    await run('git', ['init', '--quiet', '.'], { cwd: root, env });
    const { stdout } = await run('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: root, env });
    return stdout.split('\0').filter((path) => path !== '').sort();
  } catch {
    return undefined;
  }
}

const nestedTree: TreeSpec = {
  '.gitignore': '# comment\n*.log\n/anchored.txt\nbuild/\ndocs/*.md\n!docs/keep.md\n',
  'app.log': 'x',
  'anchored.txt': 'x',
  'a.tmp': 'kept: src/.gitignore applies to src/ only',
  'build/out.js': 'x',
  'docs/a.md': 'x',
  'docs/keep.md': 'x',
  'docs/sub/b.md': 'x',
  'src/.gitignore': '!keep.log\n*.tmp\n',
  'src/app.log': 'x',
  'src/keep.log': 'x',
  'src/anchored.txt': 'x',
  'src/build': 'a file, so the directory-only pattern build/ does not match',
  'src/a.tmp': 'x',
  'pkg/.gitignore': '!build/\n/local/\n',
  'pkg/build/x.ts': 'x',
  'pkg/local/y.ts': 'x',
  'pkg/sub/local/z.ts': 'x',
};

const nestedExpected = [
  '.gitignore',
  'a.tmp',
  'docs/keep.md',
  'docs/sub/b.md',
  'pkg/.gitignore',
  'pkg/build/x.ts',
  'pkg/sub/local/z.ts',
  'src/.gitignore',
  'src/anchored.txt',
  'src/build',
  'src/keep.log',
];

test('nested .gitignore files: negation, anchored and directory-only patterns, subtree scope', async (t) => {
  const root = await createTempRepository(t, nestedTree);
  assert.deepEqual(await filePaths(root), nestedExpected);
});

test('agrees with git ls-files on the nested fixture', async (t) => {
  const root = await createTempRepository(t, nestedTree);
  const fromGit = await gitUntracked(root);
  if (fromGit === undefined) return t.skip('git is not available');
  assert.deepEqual(await filePaths(root), fromGit);
});

test('.minionsignore applies at any level and wins over .gitignore in its directory', async (t) => {
  const root = await createTempRepository(t, {
    '.gitignore': '*.gen.ts\n',
    '.minionsignore': 'fixtures/\n!keep.gen.ts\n',
    'fixtures/big.json': '{}',
    'drop.gen.ts': 'x',
    'keep.gen.ts': 'x',
    'src/.minionsignore': '*.snap\n',
    'src/a.snap': 'x',
    'src/a.ts': 'x',
    'a.snap': 'kept: the nested .minionsignore covers src/ only',
  });
  assert.deepEqual(await filePaths(root), ['.gitignore', '.minionsignore', 'a.snap', 'keep.gen.ts', 'src/.minionsignore', 'src/a.ts']);
});

test('.git/info/exclude applies and .git itself is never entered', async (t) => {
  const root = await createTempRepository(t, {
    '.git/info/exclude': 'secret/\n*.bak\n',
    '.git/HEAD': 'ref: refs/heads/main\n',
    'secret/key.ts': 'x',
    'a.bak': 'x',
    'a.ts': 'x',
  });
  assert.deepEqual(await filePaths(root), ['a.ts']);
});

test('a worktree .git file leads to the common directory info/exclude', async (t) => {
  const root = await createTempRepository(t, {
    'main/.git/info/exclude': '*.local\n',
    'main/.git/worktrees/feature/commondir': '../..\n',
    'feature/.git': 'gitdir: ../main/.git/worktrees/feature\n',
    'feature/a.local': 'x',
    'feature/a.ts': 'x',
  });
  assert.deepEqual(await filePaths(`${root}/feature`), ['a.ts']);
});

test('always-skipped directories are skipped at any depth, even when re-included', async (t) => {
  const root = await createTempRepository(t, {
    '.gitignore': '!node_modules/\n',
    'node_modules/a/index.js': 'x',
    'pkg/node_modules/b.js': 'x',
    '__pycache__/c.pyc': 'x',
    '.venv/lib/d.py': 'x',
    '.idea/workspace.xml': 'x',
    '.cache/e': 'x',
    '.next/f.js': 'x',
    'linked/node_modules': { link: '../node_modules' },
    'pkg/index.js': 'x',
  });
  const entries = await collect(discoverFiles(root));
  assert.deepEqual(
    entries.map((entry) => entry.path),
    ['.gitignore', 'pkg/index.js'],
  );
});

test('extraIgnore patterns are relative to the root and win over ignore files', async (t) => {
  const root = await createTempRepository(t, {
    'src/.gitignore': '!*.snap\n',
    'src/a.snap': 'x',
    'src/a.ts': 'x',
    'vendor/lib.ts': 'x',
  });
  assert.deepEqual(await filePaths(root, ['*.snap', '/vendor/', '*.gitignore']), ['src/a.ts']);
});
