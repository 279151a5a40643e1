// Issue 14, item 11: a `kill -9` of `serve` left the task's worktree registered in the
// user's repository. The next start removes minions' worktrees the killed server left
// (branches kept) and leaves the user's own worktrees alone.
import assert from 'node:assert/strict';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, makeRepo, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { ScriptedRunner } from '../../support/scripted-runner.js';
import { ServerFixture } from './server-fixture.js';

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

describe('worktrees left by a killed server', () => {
  let fixture: ServerFixture;
  let repo: FixtureRepo;
  before(async () => {
    fixture = await ServerFixture.create();
    repo = await makeRepo({ 'README.md': '# r\n' });
  });
  after(async () => {
    await fixture.dispose();
    await repo.dispose();
  });

  it('are removed at the next start, with git records pruned and branches kept', async () => {
    const worktrees = join(fixture.dataDir, 'worktrees');
    await mkdir(worktrees, { recursive: true });
    const left = join(worktrees, 'task-1');
    git(repo.root, 'worktree', 'add', '--quiet', '-b', 'minions/task-1-fix', left, 'HEAD');
    await writeFile(join(left, 'half-done.txt'), 'the model was editing this\n');
    const user = join(repo.worktrees, 'users-own');
    git(repo.root, 'worktree', 'add', '--quiet', '-b', 'feature', user, 'HEAD');
    // The killed server's task log: queued, then running, never ended.
    const tasks = join(fixture.dataDir, 'tasks');
    await mkdir(tasks, { recursive: true });
    const line = (seq: number, type: string, data: Record<string, unknown>): string => `${JSON.stringify({ seq, time: `2026-01-01T00:00:0${seq}.000Z`, type, data })}\n`;
    await writeFile(join(tasks, 'task-1.ndjson'), `${line(1, 'task-queue', { request: { repo: repo.root, prompt: 'fix it' }, root: repo.root })}${line(2, 'task-start', {})}`);

    const app = await fixture.build({ runner: new ScriptedRunner(), worktreesDir: worktrees });
    assert.equal(app.minions.tasks.get('task-1')?.status, 'interrupted');
    assert.equal(await exists(left), false, 'the left worktree is gone');
    const listed = git(repo.root, 'worktree', 'list', '--porcelain').split('\n').filter((entry) => entry.startsWith('worktree ')).map((entry) => entry.slice('worktree '.length));
    assert.deepEqual(listed, [repo.root, user], "the repository lists only its checkout and the user's own worktree");
    assert.equal(git(repo.root, 'branch', '--list', 'minions/task-1-fix'), 'minions/task-1-fix', 'the branch is kept');
    assert.equal(git(repo.root, 'status', '--porcelain'), '', "the user's checkout is untouched");
  });
});
