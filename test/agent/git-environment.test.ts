// Git's environment: started from a git hook, minions inherits GIT_DIR, GIT_WORK_TREE
// and GIT_INDEX_FILE pointing at the hook's repository. A run's git calls must still act
// on the task's repository and leave the other one untouched.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git as runGit } from '../../agent/workspace/git.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, git, makeRepo, runTask, startAgentOllama, type FixtureRepo } from './agent-fixtures.js';

const redirections = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_CONFIG_COUNT', 'GIT_CONFIG_KEY_0', 'GIT_CONFIG_VALUE_0'] as const;

/** Runs `work` with the parent environment pointing git at `other`, as a git hook of `other` would; restores it after. */
async function asIfInHookOf<T>(other: string, work: () => Promise<T>): Promise<T> {
  const saved = redirections.map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, {
    GIT_DIR: join(other, '.git'),
    GIT_WORK_TREE: other,
    GIT_INDEX_FILE: join(other, '.git', 'index'),
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'user.email',
    GIT_CONFIG_VALUE_0: 'hook@elsewhere.test',
  });
  try {
    return await work();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** What a run could have changed in a repository: refs, HEAD, worktrees, status and the index file's bytes. */
async function snapshot(root: string): Promise<string[]> {
  const index = await readFile(join(root, '.git', 'index'));
  return [git(root, 'show-ref'), git(root, 'rev-parse', 'HEAD'), git(root, 'worktree', 'list', '--porcelain'), git(root, 'status', '--porcelain'), index.toString('base64')];
}

describe('git environment of a run', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let other: FixtureRepo;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(calculatorFiles);
    other = await makeRepo({ 'README.md': '# another repository\n' });
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
    await other.dispose();
  });

  it('git calls ignore the parent GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE and GIT_CONFIG_*', async () => {
    const signal = new AbortController().signal;
    const [top, email] = await asIfInHookOf(other.root, async () => [await runGit(repo.root, ['rev-parse', '--show-toplevel'], signal), await runGit(repo.root, ['config', '--get', 'user.email'], signal)]);
    assert.equal(top.trim(), repo.root);
    assert.equal(email.trim(), 'fixture@example.test');
  });

  it('a run started from a hook of another repository works on the task repository and leaves the other alone', async () => {
    const before = await snapshot(other.root);
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now adds.' } }] },
    ]);
    const { result, error } = await asIfInHookOf(other.root, () => runTask(repo, ollama, { prompt: 'Fix add in src/math.js' }));
    assert.equal(error, undefined, String(error));
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(git(repo.root, 'rev-parse', result.branch ?? 'no-branch'), result.commit);
    assert.equal(git(repo.root, 'log', '-1', '--format=%ae', result.branch ?? 'no-branch'), 'fixture@example.test');
    assert.deepEqual(await snapshot(other.root), before);
  });
});
