// Unit tests of delete_file and move_file: files only, never over an existing file,
// confined by the path sandbox (outside, .git and symlinks out refused), and git sees
// the deletion and the rename.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveLimits } from '../../agent/limits.js';
import type { ToolContext } from '../../agent/tools/tool.js';
import { agentTools, callTool } from '../../agent/tools/toolbox.js';
import { defaultAllowedCommands, parseAllowList } from '../../agent/workspace/allow-list.js';
import { scrubbedEnvironment } from '../../platform/index.js';
import { RecordingSearch, git } from './agent-fixtures.js';

describe('delete_file and move_file', () => {
  let base: string;
  let root: string;
  let outside: string;
  let context: ToolContext;
  const call = (name: string, input: Record<string, unknown>) => callTool(agentTools, { name, arguments: input }, context);

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'minions-moves-')));
    root = join(base, 'work');
    outside = join(base, 'outside');
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'secret\n');
    await writeFile(join(root, 'src', 'old.js'), 'export const old = 1;\n');
    await writeFile(join(root, 'src', 'keep.js'), 'export const keep = 1;\n');
    await writeFile(join(root, 'src', 'gone.js'), 'export const gone = 1;\n');
    await symlink(outside, join(root, 'escape'));
    git(root, 'init', '--quiet');
    git(root, 'add', 'src');
    git(root, '-c', 'user.name=T', '-c', 'user.email=t@example.test', 'commit', '--quiet', '-m', 'initial');
    context = {
      worktree: root, repo: root, node: 'implement', step: 1, signal: new AbortController().signal,
      emit: () => undefined, limits: resolveLimits({}), search: new RecordingSearch(),
      allowedCommands: parseAllowList(defaultAllowedCommands), env: scrubbedEnvironment(process.env),
    };
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('deletes and moves tracked files, which git then shows as a deletion and a rename', async () => {
    assert.deepEqual(await call('delete_file', { path: 'src/gone.js' }), { ok: true, output: 'Deleted src/gone.js.' });
    assert.deepEqual(await call('move_file', { from: 'src/old.js', to: 'lib/new/name.js' }), { ok: true, output: 'Moved src/old.js to lib/new/name.js.' });
    assert.equal(await readFile(join(root, 'lib/new/name.js'), 'utf8'), 'export const old = 1;\n');
    git(root, 'add', '--all', 'src', 'lib');
    assert.equal(git(root, 'diff', '--cached', '--name-status', '-M'), 'R100\tsrc/old.js\tlib/new/name.js\nD\tsrc/gone.js');
  });

  it('refuses folders, missing files (with a hint) and replacing an existing file', async () => {
    assert.deepEqual(await call('delete_file', { path: 'src' }), { ok: false, output: 'src is a folder; delete or move its files one by one.' });
    assert.deepEqual(await call('delete_file', { path: '.' }), { ok: false, output: 'The repository root cannot be deleted.' });
    assert.deepEqual(await call('delete_file', { path: 'keep.js' }), { ok: false, output: 'keep.js does not exist. Did you mean src/keep.js?' });
    assert.deepEqual(await call('move_file', { from: 'src', to: 'lib2' }), { ok: false, output: 'src is a folder; delete or move its files one by one.' });
    assert.deepEqual(await call('move_file', { from: 'src/keep.js', to: 'lib/new/name.js' }), { ok: false, output: 'lib/new/name.js already exists; delete it first or choose another name.' });
    assert.equal(await readFile(join(root, 'src/keep.js'), 'utf8'), 'export const keep = 1;\n');
  });

  it('stays inside the worktree and out of .git', async () => {
    assert.match((await call('delete_file', { path: '../outside/secret.txt' })).output, /points outside the repository/);
    assert.match((await call('delete_file', { path: join(outside, 'secret.txt') })).output, /absolute path/);
    assert.match((await call('delete_file', { path: 'escape/secret.txt' })).output, /symbolic link to outside/);
    assert.match((await call('delete_file', { path: '.git/HEAD' })).output, /inside \.git/);
    assert.match((await call('move_file', { from: 'escape/secret.txt', to: 'stolen.txt' })).output, /symbolic link to outside/);
    assert.match((await call('move_file', { from: 'src/keep.js', to: '../outside/planted.js' })).output, /points outside the repository/);
    assert.match((await call('move_file', { from: 'src/keep.js', to: 'escape/planted.js' })).output, /symbolic link to outside/);
    assert.match((await call('move_file', { from: 'src/keep.js', to: '.git/hooks/pre-commit' })).output, /inside \.git/);
    assert.deepEqual((await call('delete_file', { path: join(root, 'src', 'keep.js') })).ok, true);
    assert.deepEqual(await readdir(outside), ['secret.txt']);
    assert.equal(await readFile(join(root, '.git', 'HEAD'), 'utf8').then((head) => head.startsWith('ref:')), true);
  });
});
