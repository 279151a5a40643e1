// `minions run` publishes as the repository's registration says (the registry of its data
// directory), prints the push, and `--no-publish` turns it off for one run.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { registryFile, writeRegistry } from '../../server/http/repositories/registry-file.js';
import { calculatorFiles, git, makeRepo, startAgentOllama, toolModel, type FixtureRepo } from '../agent/agent-fixtures.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { runCli } from './cli-run.js';

const script = [
  { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
];

describe('minions run publishing', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let bare: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(calculatorFiles);
    bare = join(repo.worktrees, '..', 'published.git');
    git(repo.root, 'init', '--quiet', '--bare', bare);
    const dataDir = join(repo.worktrees, '..', 'data');
    await writeRegistry(registryFile(dataDir), [{ id: '0123456789abcdef', root: repo.root, path: repo.root, registeredAt: new Date(0).toISOString(), publish: { remote: bare } }]);
    env = { OLLAMA_HOST: ollama.host.replace('http://', ''), MINIONS_MODEL: toolModel, MINIONS_DATA_DIR: dataDir, MINIONS_THREADS: '1', PATH: process.env.PATH };
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
  });

  it('skips publishing with --no-publish', async () => {
    ollama.setChat(script);
    const result = await runCli(['run', '--repo', repo.root, '--no-publish', 'Fix add in src/math.js'], repo.root, env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stderr, /^\[publish\] skipped in [\d.]+ m?s: pushing is switched off for this task$/m);
    assert.doesNotMatch(result.stdout, /^Pushed:/m);
    assert.equal(git(bare, 'for-each-ref', '--format=%(refname)'), '');
  });

  it("pushes the task's branch to the registered remote and prints it", async () => {
    ollama.setChat(script);
    const result = await runCli(['run', '--repo', repo.root, 'Fix add in src/math.js'], repo.root, env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const branch = /^Branch: (minions\/\S+) \(commit ([0-9a-f]{12})\)$/m.exec(result.stdout);
    assert.ok(branch, result.stdout);
    assert.match(result.stderr, new RegExp(`^ {2}pushed ${branch[1]} to ${bare.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.match(result.stdout, new RegExp(`^Pushed: ${branch[1]} to `, 'm'));
    assert.match(git(bare, 'rev-parse', `refs/heads/${branch[1]}`), new RegExp(`^${branch[2]}`));
  });
});
