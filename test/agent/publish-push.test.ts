// Pushing a task's branch with plain git to a local bare repository: a new branch, a
// retried delivery (already there), a remote branch that moved elsewhere (an error that
// names it, never a force), and remotes given by name, path or URL.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { pushBranch, remoteDefaultBranch, resolveRemote, withoutCredentials } from '../../agent/workspace/push.js';
import { git, makeRepo, type FixtureRepo } from './agent-fixtures.js';

const signal = new AbortController().signal;

describe('push of a task branch', () => {
  let repo: FixtureRepo;
  let remotes: string;
  let bare: string;
  let first: string;
  let second: string;
  let sibling: string;
  before(async () => {
    repo = await makeRepo({ 'README.md': '# calc\n' });
    remotes = await mkdtemp(join(tmpdir(), 'minions-remotes-'));
    bare = join(remotes, 'calc.git');
    git(remotes, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
    git(repo.root, 'push', '--quiet', bare, 'main');
    git(repo.root, 'switch', '--quiet', '-c', 'minions/t1-work');
    git(repo.root, 'commit', '--quiet', '--allow-empty', '-m', 'first');
    first = git(repo.root, 'rev-parse', 'HEAD');
    git(repo.root, 'commit', '--quiet', '--allow-empty', '-m', 'second');
    second = git(repo.root, 'rev-parse', 'HEAD');
    git(repo.root, 'switch', '--quiet', '-c', 'elsewhere', 'main');
    git(repo.root, 'commit', '--quiet', '--allow-empty', '-m', 'someone else');
    sibling = git(repo.root, 'rev-parse', 'HEAD');
    git(repo.root, 'switch', '--quiet', 'main');
  });
  after(async () => {
    await repo.dispose();
    await rm(remotes, { recursive: true, force: true });
  });

  it('pushes a new branch, then reports a retried push as already present', async () => {
    const target = await resolveRemote(repo.root, bare, signal);
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-work', first, [], signal), { alreadyPresent: false });
    assert.equal(git(bare, 'rev-parse', 'refs/heads/minions/t1-work'), first);
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-work', first, [], signal), { alreadyPresent: true });
  });

  it('fast-forwards, and counts a remote branch already ahead of the commit as present', async () => {
    const target = await resolveRemote(repo.root, bare, signal);
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-work', second, [], signal), { alreadyPresent: false });
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-work', first, [], signal), { alreadyPresent: true });
    assert.equal(git(bare, 'rev-parse', 'refs/heads/minions/t1-work'), second, 'never rewound');
  });

  it('refuses to overwrite a remote branch that moved elsewhere, naming it', async () => {
    const target = await resolveRemote(repo.root, bare, signal);
    await pushBranch(repo.root, target, 'minions/t2-elsewhere', sibling, [], signal);
    const error = await pushBranch(repo.root, target, 'minions/t2-elsewhere', first, [], signal).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof MinionsError);
    assert.equal(error.code, 'conflict');
    assert.match(error.message, new RegExp(`The branch minions/t2-elsewhere on ${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} moved to ${sibling.slice(0, 12)}, which does not hold ${first.slice(0, 12)}`));
    assert.equal(git(bare, 'rev-parse', 'refs/heads/minions/t2-elsewhere'), sibling, 'not forced');
  });

  it('resolves a remote by name (its push URL first) and reads its default branch', async () => {
    git(repo.root, 'remote', 'add', 'origin', 'https://example.invalid/calc.git');
    git(repo.root, 'config', 'remote.origin.pushurl', bare);
    const target = await resolveRemote(repo.root, 'origin', signal);
    assert.deepEqual(target, { url: bare, display: bare });
    assert.equal(await remoteDefaultBranch(repo.root, target, [], signal), 'main');
    const missing = await resolveRemote(repo.root, 'upstream', signal).then(() => undefined, (caught: unknown) => caught);
    assert.ok(missing instanceof MinionsError);
    assert.match(missing.message, /has no remote named "upstream"/);
  });

  it('shows URLs without their credentials', async () => {
    assert.equal(withoutCredentials('https://user:s3cret@forge.example/o/r.git'), 'https://user@forge.example/o/r.git');
    const target = await resolveRemote(repo.root, 'https://x:s3cret@forge.example/o/r.git', signal);
    assert.equal(target.display, 'https://x@forge.example/o/r.git');
    assert.equal((await resolveRemote(repo.root, 'git@forge.example:o/r.git', signal)).url, 'git@forge.example:o/r.git');
  });
});
