// The repositories of eval tasks: a git repository at a commit (history dropped), an npm
// tarball taken from the cache only when its bytes match the suite's integrity, and the
// task's own repository with one commit and its setup run before it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fetchSource, fileIntegrity, prepareTaskRepository } from '../../../server/eval/sources.js';
import { closedPort } from '../../support/scripted-ollama.js';

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();

describe('eval sources', () => {
  let scratch: string;
  const signal = new AbortController().signal;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'minions-eval-sources-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  it('clones a git repository at the named commit, without its history, through a cached mirror', async () => {
    const origin = join(scratch, 'origin');
    await mkdir(origin);
    git(origin, 'init', '--quiet', '--initial-branch=main');
    await writeFile(join(origin, 'lib.js'), 'old\n');
    git(origin, 'add', '.');
    git(origin, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-m', 'one');
    const first = git(origin, 'rev-parse', 'HEAD');
    await writeFile(join(origin, 'lib.js'), 'new\n');
    git(origin, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'two');
    const task = { id: 'g', repo: { git: origin, commit: first.slice(0, 12) }, prompt: 'p', verify: { files: {}, command: 'true' }, setup: 'echo made > setup.txt && mkdir node_modules && touch node_modules/x' };
    const repo = join(scratch, 'from-git');
    const commit = await prepareTaskRepository(task, repo, { suiteFolder: scratch, cacheDir: join(scratch, 'cache'), environment: process.env, signal });
    assert.equal(await readFile(join(repo, 'lib.js'), 'utf8'), 'old\n');
    assert.equal(git(repo, 'rev-list', '--count', 'HEAD'), '1');
    assert.equal(git(repo, 'rev-parse', 'HEAD'), commit);
    assert.deepEqual(git(repo, 'ls-files').split('\n'), ['lib.js', 'setup.txt'], 'the setup ran before the commit; node_modules stays out');
    // The second run of the repository clones the cached mirror; a later commit is fetched into it.
    const third = join(origin, 'lib.js');
    await writeFile(third, 'newest\n');
    git(origin, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '--quiet', '-am', 'three');
    const latest = git(origin, 'rev-parse', 'HEAD');
    await prepareTaskRepository({ ...task, repo: { git: origin, commit: latest }, setup: 'true' }, join(scratch, 'again'), { suiteFolder: scratch, cacheDir: join(scratch, 'cache'), environment: process.env, signal });
    assert.equal(await readFile(join(scratch, 'again', 'lib.js'), 'utf8'), 'newest\n');
    await rm(origin, { recursive: true, force: true });
    await prepareTaskRepository({ ...task, setup: 'true' }, join(scratch, 'cached'), { suiteFolder: scratch, cacheDir: join(scratch, 'cache'), environment: process.env, signal });
    assert.equal(await readFile(join(scratch, 'cached', 'lib.js'), 'utf8'), 'old\n', 'served by the mirror with the origin gone');
  });

  it('unpacks an npm tarball from the cache when it matches the integrity, and fetches otherwise', async () => {
    const packed = join(scratch, 'pack');
    await mkdir(join(packed, 'package'), { recursive: true });
    await writeFile(join(packed, 'package', 'index.js'), 'module.exports = 1;\n');
    await mkdir(join(scratch, 'cache', 'npm'), { recursive: true });
    const tarball = join(scratch, 'cache', 'npm', 'tiny-pkg-1.0.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', packed, 'package']);
    const integrity = await fileIntegrity(tarball);
    // No registry answers here: only the cache can serve the tarball.
    const offline = { ...process.env, npm_config_registry: `http://127.0.0.1:${await closedPort()}/`, npm_config_fetch_retries: '0', npm_config_cache: join(scratch, 'npm-cache') };
    const options = { suiteFolder: scratch, cacheDir: join(scratch, 'cache'), environment: offline, signal };
    await fetchSource({ npm: 'tiny-pkg@1.0.0', integrity }, join(scratch, 'from-npm'), options);
    assert.equal(await readFile(join(scratch, 'from-npm', 'index.js'), 'utf8'), 'module.exports = 1;\n');
    const other = `sha512-${Buffer.alloc(64, 1).toString('base64')}`;
    await assert.rejects(fetchSource({ npm: 'tiny-pkg@1.0.0', integrity: other }, join(scratch, 'refused'), options), /npm pack tiny-pkg@1\.0\.0 failed/);
  });
});
