// Unit tests of the agent's tools: edit_file's exact search and replace, the file
// tools' path sandbox, grep, and run_command's allow-list, timeout and clean-up.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveLimits } from '../../agent/limits.js';
import type { ToolContext } from '../../agent/tools/tool.js';
import { agentTools, callTool } from '../../agent/tools/toolbox.js';
import { isAllowed, parseAllowList, refusedArgument, splitCommandLine } from '../../agent/workspace/allow-list.js';
import { defaultAllowedCommands } from '../../agent/workspace/allow-list.js';
import { scrubbedEnvironment } from '../../platform/index.js';
import { resolveInside } from '../../agent/workspace/sandbox.js';
import { RecordingSearch, git } from './agent-fixtures.js';

describe('agent tools', () => {
  let base: string;
  let root: string;
  let outside: string;
  const events: { type: string; data: unknown }[] = [];
  let context: ToolContext;
  const call = (name: string, input: Record<string, unknown>, overrides: Partial<ToolContext> = {}) => callTool(agentTools, { name, arguments: input }, { ...context, ...overrides });

  before(async () => {
    base = await realpath(await mkdtemp(join(tmpdir(), 'minions-tools-')));
    root = join(base, 'work');
    outside = join(base, 'outside');
    await mkdir(join(root, 'src'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'top secret\n');
    await writeFile(join(root, 'src', 'app.js'), 'const a = 1;\nconst b = 2;\nconst a2 = 1;\n\nfunction go() {\n  return a + b;\n}\n');
    await symlink(outside, join(root, 'escape'));
    await symlink(join(root, 'src', 'app.js'), join(root, 'alias.js'));
    git(root, 'init', '--quiet');
    context = {
      worktree: root, repo: root, node: 'implement', step: 1, signal: new AbortController().signal,
      emit: (type, data) => events.push({ type, data }),
      limits: resolveLimits({ commandTimeoutMs: 1500 }),
      search: new RecordingSearch(), allowedCommands: parseAllowList(defaultAllowedCommands), env: scrubbedEnvironment(process.env),
    };
  });
  after(() => rm(base, { recursive: true, force: true }));

  it('edit_file replaces exactly one occurrence', async () => {
    const result = await call('edit_file', { path: 'src/app.js', search: '  return a + b;', replace: '  return a * b;' });
    assert.deepEqual([result.ok, result.output], [true, 'Edited src/app.js at line 6: 1 line(s) replaced by 1.']);
    assert.match(await readFile(join(root, 'src/app.js'), 'utf8'), /return a \* b;/);
  });

  it('edit_file explains a missing, an ambiguous and a whitespace-only mismatch', async () => {
    const missing = await call('edit_file', { path: 'src/app.js', search: 'const c = 3;', replace: '' });
    assert.equal(missing.ok, false);
    assert.match(missing.output, /^The search text was not found in src\/app\.js\. Read the file again/);
    const ambiguous = await call('edit_file', { path: 'src/app.js', search: ' = 1;', replace: ' = 9;' });
    assert.match(ambiguous.output, /occurs 2 times in src\/app\.js \(at lines 1, 3\); include more surrounding lines/);
    const spacing = await call('edit_file', { path: 'src/app.js', search: 'function go() { return a * b;', replace: 'x' });
    assert.match(spacing.output, /It does match if whitespace is ignored/);
    assert.match(spacing.output, /The closest lines in the file are:\n3\| const a2 = 1;\n4\| \n5\| function go\(\) \{\n6\| {3}return a \* b;/);
    const partial = await call('edit_file', { path: 'src/app.js', search: 'const b = 2;\nconst c = 2;', replace: 'x' });
    assert.match(partial.output, /Its first line occurs at line 2; the rest differs/);
    const absent = await call('edit_file', { path: 'src/none.js', search: 'a', replace: 'b' });
    assert.match(absent.output, /does not exist; use create_file/);
    const same = await call('edit_file', { path: 'src/app.js', search: 'const b = 2;', replace: 'const b = 2;' });
    assert.match(same.output, /identical/);
  });

  it('create_file makes folders, refuses to overwrite unless asked', async () => {
    assert.equal((await call('create_file', { path: 'lib/deep/new.js', content: 'x\n' })).output, 'Created lib/deep/new.js (2 lines).');
    assert.match((await call('create_file', { path: 'lib/deep/new.js', content: 'y\n' })).output, /already exists; use edit_file/);
    assert.equal((await call('create_file', { path: 'lib/deep/new.js', content: 'y\n', overwrite: true })).ok, true);
    assert.equal(await readFile(join(root, 'lib/deep/new.js'), 'utf8'), 'y\n');
  });

  it('read_file numbers lines, reads ranges, and coerces string numbers', async () => {
    const range = await call('read_file', { path: 'src/app.js', start_line: '2', end_line: 3 });
    assert.equal(range.output, '2| const b = 2;\n3| const a2 = 1;\n[lines 2-3 of 7; read on with start_line 4]');
    assert.match((await call('read_file', { path: 'src' })).output, /is a folder; use list_dir/);
    assert.match((await call('read_file', {})).output, /^Invalid arguments for read_file: \/path: /);
  });

  it('takes an absolute path inside the worktree as relative, and says "did you mean" for a missing path', async () => {
    assert.equal((await call('read_file', { path: join(root, 'src', 'app.js'), end_line: 1 })).output, '1| const a = 1;\n[lines 1-1 of 7; read on with start_line 2]');
    assert.deepEqual(await resolveInside(root, `${root}/src/../src/app.js`), { ok: true, absolute: join(root, 'src', 'app.js'), relative: 'src/app.js' });
    assert.deepEqual(await resolveInside(root, root), { ok: true, absolute: root, relative: '.' });
    assert.equal((await call('read_file', { path: 'app.js' })).output, 'app.js does not exist. Did you mean src/app.js?');
    assert.equal((await call('read_file', { path: 'src/apps.js' })).output, 'src/apps.js does not exist. Did you mean src/app.js?');
    assert.equal((await call('edit_file', { path: 'lib/app.js', search: 'a', replace: 'b' })).output, 'lib/app.js does not exist; use create_file for a new file. Did you mean src/app.js?');
    assert.equal((await call('read_file', { path: 'nothing/like/this.txt' })).output, 'nothing/like/this.txt does not exist.');
  });

  it('list_dir marks folders and hides .git', async () => {
    const listing = await call('list_dir', {});
    assert.deepEqual(listing.output.split('\n'), ['alias.js@', 'escape@', 'lib/', 'src/']);
  });

  it('the sandbox refuses .., absolute paths, .git and symlinks out, and allows symlinks within', async () => {
    assert.match((await call('read_file', { path: '../outside/secret.txt' })).output, /points outside the repository/);
    assert.match((await call('read_file', { path: 'src/../../outside/secret.txt' })).output, /points outside the repository/);
    assert.match((await call('read_file', { path: join(outside, 'secret.txt') })).output, /is an absolute path/);
    assert.match((await call('read_file', { path: 'escape/secret.txt' })).output, /resolves through a symbolic link to outside/);
    assert.match((await call('create_file', { path: 'escape/new.txt', content: 'x' })).output, /resolves through a symbolic link to outside/);
    assert.match((await call('edit_file', { path: '.git/config', search: 'a', replace: 'b' })).output, /inside \.git/);
    assert.match((await call('list_dir', { path: 'escape' })).output, /resolves through a symbolic link to outside/);
    assert.equal((await call('read_file', { path: 'alias.js', end_line: 1 })).output, '1| const a = 1;\n[lines 1-1 of 7; read on with start_line 2]');
    const inside = await resolveInside(root, './src//app.js');
    assert.deepEqual(inside, { ok: true, absolute: join(root, 'src', 'app.js'), relative: 'src/app.js' });
  });

  it('grep finds matches with line numbers, tracked or not', async () => {
    const found = await call('grep', { pattern: 'const a', path: 'src' });
    assert.deepEqual(found.output.split('\n'), ['src/app.js:1:const a = 1;', 'src/app.js:3:const a2 = 1;']);
    assert.equal((await call('grep', { pattern: 'nothing-like-this' })).output, 'No matches.');
    assert.match((await call('grep', { pattern: 'x', path: '../outside' })).output, /outside the repository/);
  });

  it('run_command runs allow-listed commands only, without a shell', async () => {
    const listed = await call('run_command', { command: 'git status --short' });
    assert.equal(listed.ok, true);
    assert.match(listed.output, /^\$ git status --short\n\(exit code 0, \d+ ms\)/);
    assert.match((await call('run_command', { command: 'rm -rf src' })).output, /"rm -rf src" is not on the allow-list/);
    assert.match((await call('run_command', { command: 'git status; rm -rf src' })).output, /";" is not allowed/);
    assert.match((await call('run_command', { command: 'ls $(pwd)' })).output, /"\$" is not allowed/);
    assert.match((await call('run_command', { command: 'ls /etc' })).output, /absolute paths are not allowed/);
    assert.match((await call('run_command', { command: 'git diff --output=x.patch' })).output, /may not write output files/);
    assert.ok(events.some((event) => event.type === 'command-end'));
  });

  it('run_command kills a command at its timeout, children included', async () => {
    await writeFile(join(root, 'hang.test.js'), 'setInterval(() => {}, 1000);\n');
    const started = Date.now();
    const result = await call('run_command', { command: 'node --test hang.test.js' }, { limits: resolveLimits({ commandTimeoutMs: 400 }) });
    assert.equal(result.ok, false);
    assert.match(result.output, /\(timed out, \d+ ms\)[\s\S]*\[killed after 0 s timeout\]/);
    assert.ok(Date.now() - started < 5000);
  });
});

describe('command allow-list', () => {
  it('splits words like a shell, quotes included, and refuses shell syntax', () => {
    assert.deepEqual(splitCommandLine(`node --test "test/a b.test.js" 'x'`), { ok: true, argv: ['node', '--test', 'test/a b.test.js', 'x'] });
    assert.deepEqual(splitCommandLine('npm test -- --grep=a\\ b'), { ok: true, argv: ['npm', 'test', '--', '--grep=a b'] });
    for (const line of ['a | b', 'a && b', 'a > f', 'a `b`', 'echo "$HOME"', 'ls *.js', '']) assert.equal(splitCommandLine(line).ok, false, line);
    assert.equal(splitCommandLine('"unclosed').ok, false);
  });

  it('matches argv prefixes word by word', () => {
    const list = parseAllowList(['npm test', 'go test', 'make']);
    assert.equal(isAllowed(['npm', 'test', '--', '-x'], list), true);
    assert.equal(isAllowed(['npm', 'install'], list), false);
    assert.equal(isAllowed(['npm'], list), false);
    assert.equal(isAllowed(['make', 'lint'], list), true);
    assert.equal(isAllowed(['go', 'testify'], list), false);
    assert.equal(refusedArgument(['go', 'test', './...']), undefined);
    assert.match(refusedArgument(['ls', 'a/../../b']) ?? '', /may not leave/);
    assert.match(refusedArgument(['tsc', '--outDir=/tmp/x']) ?? '', /absolute/);
  });

  it('scrubs the environment of commands', () => {
    const env = scrubbedEnvironment({ PATH: '/bin', HOME: '/home/u', GITHUB_TOKEN: 't', AWS_SECRET_ACCESS_KEY: 'k', OLLAMA_HOST: 'h' });
    assert.equal(env.PATH, '/bin');
    assert.equal(env.GITHUB_TOKEN, undefined);
    assert.equal(env.AWS_SECRET_ACCESS_KEY, undefined);
    assert.equal(env.OLLAMA_HOST, undefined);
    assert.equal(env.npm_config_offline, 'true');
  });
});
