// `minions prune` on a real repository (git worktrees and branches) and real task logs
// (written by the task store), in a temporary data directory.
import assert from 'node:assert/strict';
import { readdir, realpath, rm, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { acquireLock } from '../../platform/index.js';
import { writeRegistry } from '../../server/http/repositories/registry-file.js';
import { TaskStore } from '../../server/http/tasks/task-store.js';
import { publishServer } from '../../server/server-file.js';
import { calculatorFiles, git, makeRepo, type FixtureRepo } from '../agent/agent-fixtures.js';
import { runCli } from './cli-run.js';

interface Plan {
  dryRun: boolean;
  worktrees: { path: string; repo: string | null }[];
  branches: { repo: string; branch: string }[];
  taskLogs: { id: string }[];
  skipped: { what: string; why: string }[];
}

/** Sets the modification time of a folder and everything in it to `when`. */
async function age(folder: string, when: Date): Promise<void> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isDirectory()) await age(join(folder, entry.name), when);
    else if (!entry.isSymbolicLink()) await utimes(join(folder, entry.name), when, when);
  }
  await utimes(folder, when, when);
}

describe('minions prune', () => {
  let repo: FixtureRepo;
  let dataDir = '';
  const ids = { old: '', recent: '', queued: '' };
  const prune = async (...args: string[]): Promise<Plan> => {
    const { code, stdout, stderr } = await runCli(['prune', '--json', '--data-dir', dataDir, ...args], repo.root);
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout) as Plan;
  };

  before(async () => {
    repo = await makeRepo(calculatorFiles);
    dataDir = join(repo.worktrees, '..', 'data');
    const worktrees = join(dataDir, 'worktrees');
    await writeRegistry(join(dataDir, 'server', 'repositories.json'), [{ id: 'r', root: repo.root, path: repo.root, registeredAt: new Date().toISOString() }]);
    git(repo.root, 'worktree', 'add', '--quiet', '-b', 'minions/t1-left-behind', join(worktrees, 't1'), 'HEAD');
    await age(join(worktrees, 't1'), new Date(Date.now() - 2 * 3_600_000));
    git(repo.root, 'worktree', 'add', '--quiet', '-b', 'minions/t2-running', join(worktrees, 't2'), 'HEAD');
    git(repo.root, 'branch', 'minions/t3-nothing-committed');
    const tree = git(repo.root, 'rev-parse', 'HEAD^{tree}');
    const work = git(repo.root, 'commit-tree', tree, '-p', 'HEAD', '-m', 'a change to review');
    git(repo.root, 'update-ref', 'refs/heads/minions/t4-with-work', work);
    let now = new Date(Date.now() - 40 * 86_400_000);
    const store = await TaskStore.open(join(dataDir, 'tasks'), { log: pino({ level: 'silent' }), clock: () => now });
    ids.old = (await store.create({ repo: repo.root, prompt: 'old' }, repo.root)).id;
    store.end(ids.old, { status: 'failed', error: 'x' });
    ids.queued = (await store.create({ repo: repo.root, prompt: 'never ran' }, repo.root)).id;
    now = new Date();
    ids.recent = (await store.create({ repo: repo.root, prompt: 'recent' }, repo.root)).id;
    store.end(ids.recent, { status: 'failed', error: 'x' });
    await store.close();
  });
  after(() => repo.dispose());

  it('--dry-run says what would go and changes nothing', async () => {
    const plan = await prune('--dry-run');
    assert.equal(plan.dryRun, true);
    assert.deepEqual(plan.worktrees.map((worktree) => worktree.path.split('/').at(-1)), ['t1']);
    assert.deepEqual(plan.branches.map((entry) => entry.branch).sort(), ['minions/t1-left-behind', 'minions/t3-nothing-committed']);
    assert.deepEqual(plan.taskLogs.map((log) => log.id), [ids.old]);
    assert.ok(plan.skipped.some((entry) => entry.what.endsWith('t2') && /a run may still use it/.test(entry.why)));
    assert.ok(plan.skipped.some((entry) => entry.what.startsWith('minions/t2-running') && /checked out/.test(entry.why)));
    assert.match(git(repo.root, 'branch', '--list', 'minions/*'), /t1-left-behind[\s\S]*t3-nothing-committed/);
    assert.equal((await readdir(join(dataDir, 'tasks'))).length, 3);
    const text = await runCli(['prune', '--dry-run', '--data-dir', dataDir], repo.root);
    assert.match(text.stdout, /would delete branch minions\/t3-nothing-committed/);
    assert.match(text.stdout, /Dry run: would remove 1 worktrees, 2 branches, 1 task logs\./);
  });

  it('leaves worktrees and task logs to a running server, but deletes branches nobody uses', async () => {
    const lock = await acquireLock(join(dataDir, 'locks', 'server.lock'), { command: 'minions serve' });
    const published = await publishServer(dataDir, { url: 'http://127.0.0.1:7337', token: false, embedder: 'default' });
    try {
      const plan = await prune('--dry-run');
      assert.deepEqual(plan.worktrees, []);
      assert.deepEqual(plan.taskLogs, []);
      assert.deepEqual(plan.branches.map((entry) => entry.branch), ['minions/t3-nothing-committed']);
      assert.ok(plan.skipped.some((entry) => /a minions server runs/.test(entry.why)));
    } finally {
      await published.remove();
      await lock.release();
    }
  });

  it('removes the left worktree, the empty branches and the old log; keeps work, running worktrees and recent logs', async () => {
    const plan = await prune();
    assert.equal(plan.dryRun, false);
    assert.equal(plan.branches.length, 2);
    const worktrees = await realpath(join(dataDir, 'worktrees'));
    assert.deepEqual(await readdir(worktrees), ['t2']);
    assert.doesNotMatch(git(repo.root, 'worktree', 'list'), /\/t1 /);
    assert.deepEqual(git(repo.root, 'branch', '--list', 'minions/*').split('\n').map((line) => line.replace(/^[*+ ]+/, '')).sort(), ['minions/t2-running', 'minions/t4-with-work']);
    assert.deepEqual((await readdir(join(dataDir, 'tasks'))).sort(), [`${ids.queued}.ndjson`, `${ids.recent}.ndjson`].sort());
    assert.deepEqual((await prune('--older-than', '0')).taskLogs.map((log) => log.id), [ids.recent], 'a queued task is never pruned');
    assert.ok(await stat(join(repo.root, 'src/math.js')).then(() => true));
    await rm(join(worktrees, 't2'), { recursive: true });
  });

  it('refuses a bad --older-than', async () => {
    const { code, stderr } = await runCli(['prune', '--older-than', 'soon', '--data-dir', dataDir], repo.root);
    assert.equal(code, 2);
    assert.match(stderr, /--older-than takes a number of days/);
  });
});
