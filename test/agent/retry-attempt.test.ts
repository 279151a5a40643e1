// A task run again after its worker was lost (attempt 2): it takes the task's own branch
// again from a clean worktree, and delivers once: the earlier attempt's commit when the
// change is the same, else one new commit on the base, never a second one on top.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAgentRunner } from '../../agent/index.js';
import type { AgentEvent, TaskRequest, TaskResult } from '../../schemas/index.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { git, makeRepo, RecordingSearch, startAgentOllama, toolModel, type FixtureRepo } from './agent-fixtures.js';

const files = { 'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n', 'README.md': '# calc\n' };

describe('agent: a retried attempt of a task', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(files);
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
  });

  async function attempt(id: string, number: number, replace: string, request: Partial<TaskRequest> = {}, search = '  return a - b;'): Promise<{ result: TaskResult; events: AgentEvent[] }> {
    ollama.setChat([{ toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search, replace } }] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] }]);
    const runner = createAgentRunner({ ollamaHost: ollama.host, model: toolModel, search: new RecordingSearch(), worktreesDir: repo.worktrees, commandNetwork: 'isolated-if-available', allowUnsandboxedCommands: true, modelRetry: { sleep: async () => undefined } });
    const events: AgentEvent[] = [];
    const result = await runner.run({ id, request: { repo: repo.root, prompt: 'Fix add in src/math.js', ...request }, root: repo.root, attempt: number }, { signal: new AbortController().signal, emit: (event) => events.push(event) });
    assert.equal(result.outcome, 'succeeded', result.reason);
    return { result, events };
  }

  it('keeps the earlier commit of the same change, on the same branch, and clears the lost worktree', async () => {
    const base = git(repo.root, 'rev-parse', 'HEAD');
    const first = await attempt('t-same', 1, '  return a + b;');
    // The lost worker's worktree still has the branch checked out.
    const lost = join(repo.worktrees, '..', 'lost-worker');
    git(repo.root, 'worktree', 'add', '--quiet', lost, first.result.branch ?? '');
    const second = await attempt('t-same', 2, '  return a + b;');
    assert.equal(second.result.branch, first.result.branch);
    assert.equal(second.result.commit, first.result.commit);
    assert.deepEqual(second.events.filter((event) => event.type === 'commit-create').map((event) => event.type === 'commit-create' && event.data.reused), [true]);
    assert.equal(git(repo.root, 'rev-list', '--count', `${base}..${second.result.branch ?? ''}`), '1');
    assert.equal(existsSync(lost), false);
    assert.match(second.result.diff, /\+ {2}return a \+ b;/);
  });

  it('commits a different change on the base, replacing the earlier attempt instead of stacking on it', async () => {
    const base = git(repo.root, 'rev-parse', 'HEAD');
    const first = await attempt('t-other', 1, '  return a + b; // first');
    const second = await attempt('t-other', 2, '  return b + a;');
    assert.equal(second.result.branch, first.result.branch);
    assert.notEqual(second.result.commit, first.result.commit);
    assert.equal(git(repo.root, 'rev-parse', `${second.result.branch ?? ''}^`), base);
    assert.equal(git(repo.root, 'rev-list', '--count', `${base}..${second.result.branch ?? ''}`), '1');
  });

  it("retries a follow-up on the earlier run's branch: from that run's commit, keeping the lost attempt's same change", async () => {
    const earlier = await attempt('t-earlier', 1, '  return a + b;');
    const continueFrom = { task: 't-earlier', branch: earlier.result.branch ?? '', commit: earlier.result.commit ?? '', prompt: 'Fix add in src/math.js', diff: earlier.result.diff, summaries: [] };
    const followUp = { prompt: 'Also return an integer', continueFrom };
    const lost = await attempt('t-follow', 1, '  return Math.trunc(a + b);', followUp, '  return a + b;');
    assert.equal(lost.result.branch, earlier.result.branch);
    const retried = await attempt('t-follow', 2, '  return Math.trunc(a + b);', followUp, '  return a + b;');
    assert.equal(retried.result.commit, lost.result.commit);
    assert.equal(git(repo.root, 'rev-parse', `${retried.result.branch ?? ''}^`), earlier.result.commit);
  });

  it('a first attempt of a task id whose branch exists still takes a new branch', async () => {
    const first = await attempt('t-new', 1, '  return a + b;');
    const again = await attempt('t-new', 1, '  return a + b;');
    assert.equal(again.result.branch, `${first.result.branch ?? ''}-2`);
  });
});
