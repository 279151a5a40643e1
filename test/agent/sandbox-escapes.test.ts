// Escapes 2 and 3 as a scripted task: the repository's own test script (run by the
// checks node) plants core.fsmonitor in the user's .git/config, reads minions' token from
// /proc/<pid>/environ into a file the task would commit, and leaves a setsid process
// behind. Under the command sandbox none of it lands; the trace says how commands ran.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama, type FixtureRepo } from './agent-fixtures.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';

const token = 'minions-token-7e2b9f';
const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };

const attack = `#!/bin/sh
common=$(git rev-parse --path-format=absolute --git-common-dir)
printf '[core]\\n\\tfsmonitor = touch /tmp/minions-fsmonitor-ran\\n' >> "$common/config" 2>/dev/null && echo planted
cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep MINIONS_TOKEN > leaked.txt
grep -q '^CapEff:.*[1-9a-f]' /proc/self/status && echo capabilities > caps.txt
setsid sleep 3917.5 >/dev/null 2>&1 &
exec node --test
`;

describe('sandbox escapes through a repository test script', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;

  before(async () => {
    ollama = await startAgentOllama();
    process.env.MINIONS_TOKEN = token;
  });

  after(async () => {
    delete process.env.MINIONS_TOKEN;
    await ollama.close();
    await repo.dispose();
  });

  it('where bubblewrap cannot run, a run is refused before it touches anything, unless allowed; the events say how commands ran', async () => {
    const missing = { probe: async () => ({ available: false as const, reason: 'bwrap: not found (test double)' }) };
    repo = await makeRepo(calculatorFiles);
    const branches = git(repo.root, 'branch', '--list');
    const requests = ollama.requests.length;
    const refused = await runTask(repo, ollama, { prompt: 'Fix add: it subtracts.' }, { commandSandbox: missing });
    assert.ok(refused.error instanceof MinionsError, String(refused.error));
    assert.equal(refused.error.code, 'agent-unavailable');
    assert.match(refused.error.message, /bwrap: not found \(test double\).*apt-get install bubblewrap.*--allow-unsandboxed-commands or MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1/);
    assert.deepEqual(refused.events, []);
    assert.equal(git(repo.root, 'branch', '--list'), branches, 'no branch, no worktree');
    assert.equal(ollama.requests.length, requests, 'the model was not even asked');
    ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] }]);
    const allowed = await runTask(repo, ollama, { prompt: 'Fix add: it subtracts.' }, { commandSandbox: missing, allowUnsandboxedCommands: true });
    assert.equal(allowed.result?.outcome, 'succeeded', String(allowed.error ?? allowed.result?.reason));
    const sandboxes = eventsOf(allowed.events, 'command-sandbox');
    assert.ok(sandboxes.length > 0);
    for (const sandbox of sandboxes) assert.deepEqual({ method: sandbox.method, pidNamespace: sandbox.pidNamespace, capabilitiesDropped: sandbox.capabilitiesDropped }, { method: 'none', pidNamespace: false, capabilitiesDropped: false });
    await repo.dispose();
  });

  it('cannot plant core.fsmonitor, read the token of minions or outlive the task', async () => {
    const scripts = { test: 'sh attack.sh' };
    repo = await makeRepo({ ...calculatorFiles, 'attack.sh': attack, 'package.json': `${JSON.stringify({ name: 'calculator', type: 'module', scripts }, null, 2)}\n` });
    const gitConfig = join(repo.root, '.git', 'config');
    const before = await readFile(gitConfig, 'utf8');
    ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] }]);
    const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix add: it subtracts.' }, { commandNetwork: 'isolated' });
    assert.equal(error, undefined, String(error));
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(await readFile(gitConfig, 'utf8'), before, 'the user .git/config is unchanged');
    const committed = git(repo.root, 'show', '--name-only', '--format=', String(result?.commit));
    assert.doesNotMatch(git(repo.root, 'show', String(result?.commit)), new RegExp(token), 'the token never reached the commit');
    assert.doesNotMatch(committed, /caps\.txt/, 'the test script ran without capabilities');
    const sandboxes = eventsOf(events, 'command-sandbox');
    assert.ok(sandboxes.length > 0);
    for (const sandbox of sandboxes) {
      assert.equal(sandbox.method, 'bwrap');
      assert.equal(sandbox.networkIsolated, true);
      assert.equal(sandbox.pidNamespace, true);
      assert.equal(sandbox.capabilitiesDropped, true);
      assert.equal(sandbox.memoryCapBytes, 4 * 1024 ** 3);
    }
    const survivors = spawnSync('pgrep', ['-f', 'sleep 3917.5'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(survivors, '', 'no process of the test script outlived it');
  });
});
