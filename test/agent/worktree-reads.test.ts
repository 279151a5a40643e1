// The agent reads a worktree only through the sandboxed reader: the context node (files
// named in the task), the rule files and check discovery refuse a tracked symlink to
// outside the repository, a FIFO and a device, as the file tools do, and never hang.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { discoverChecks } from '../../agent/checks/discover.js';
import { readRuleFiles } from '../../agent/context/rules.js';
import { readWorktreeFile } from '../../agent/workspace/regular-file.js';
import type { ChatRequestBody } from '../support/scripted-ollama.js';
import { eventsOf, git, makeRepo, runTask, startAgentOllama } from './agent-fixtures.js';

const secret = 'OUTSIDE-SECRET-7f3a';

describe('worktree reads: the sandboxed reader', () => {
  let root: string;
  let outside: string;
  before(async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'minions-reads-')));
    root = join(base, 'repo');
    outside = join(base, 'outside.txt');
    execFileSync('mkdir', [root]);
    await writeFile(outside, `${secret}\n`);
    await writeFile(join(root, 'plain.txt'), 'plain\n');
    await symlink(outside, join(root, 'out-link'));
    await symlink('plain.txt', join(root, 'in-link'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    await symlink('/dev/zero', join(root, 'zero'));
  });
  after(async () => {
    await rm(dirname(root), { recursive: true, force: true });
  });

  it('reads regular files (and links within the worktree), says missing, and refuses the rest without blocking', async () => {
    assert.deepEqual(await readWorktreeFile(root, 'plain.txt'), { ok: true, text: 'plain\n' });
    assert.deepEqual(await readWorktreeFile(root, 'in-link'), { ok: true, text: 'plain\n' });
    assert.deepEqual(await readWorktreeFile(root, 'absent.txt'), { ok: false, error: 'Cannot open absent.txt: ENOENT.', missing: true });
    const refused = async (path: string, pattern: RegExp): Promise<void> => {
      const read = await readWorktreeFile(root, path);
      assert.equal(read.ok, false, path);
      if (read.ok) return;
      assert.equal(read.missing, false, path);
      assert.match(read.error, pattern);
    };
    await refused('out-link', /symbolic link to outside the repository/);
    await refused('pipe', /named pipe/);
    await refused('zero', /symbolic link to outside the repository/);
    await refused('../outside.txt', /outside the repository/);
    await refused(outside, /absolute path/);
    try {
      execFileSync('mknod', [join(root, 'null-device'), 'c', '1', '3'], { stdio: 'ignore' });
    } catch {
      return; // No mknod here (not root, or no CAP_MKNOD): the symlink to /dev/zero above stands for devices.
    }
    await refused('null-device', /a device/);
  });

  it('check discovery and rule files skip refused files and say why', async () => {
    const base = await realpath(await mkdtemp(join(tmpdir(), 'minions-reads-')));
    try {
      await writeFile(join(base, 'package.json'), JSON.stringify({ scripts: { test: 'echo pwned' } }));
      execFileSync('mkdir', [join(base, 'repo')]);
      await symlink(join(base, 'package.json'), join(base, 'repo', 'package.json'));
      execFileSync('mkfifo', [join(base, 'repo', '.minions.yml')]);
      await writeFile(join(base, 'repo', 'Makefile'), 'test:\n\ttrue\n');
      const plan = await discoverChecks(join(base, 'repo'));
      assert.deepEqual([plan.test, plan.sources], [['make test'], ['Makefile']]);
      assert.equal(plan.refused.length, 2);
      assert.match(plan.refused.join('\n'), /"package\.json" resolves through a symbolic link to outside/);
      assert.match(plan.refused.join('\n'), /\.minions\.yml is a named pipe/);
      await writeFile(join(base, 'rules.md'), `${secret}\n`);
      await symlink(join(base, 'rules.md'), join(base, 'repo', 'AGENTS.md'));
      execFileSync('mkdir', [join(base, 'repo', 'docs')]);
      await writeFile(join(base, 'repo', 'docs', 'AGENTS.md'), 'Docs rules.\n');
      const { rules, refused } = await readRuleFiles(join(base, 'repo'), ['AGENTS.md', 'docs/AGENTS.md']);
      assert.deepEqual(rules.map((rule) => rule.content), ['Docs rules.']);
      assert.equal(refused.length, 1);
      assert.match(refused[0] ?? '', /"AGENTS\.md" resolves through a symbolic link to outside/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });
});

describe('worktree reads: a run on a repository with hostile tracked links', () => {
  it('keeps linked content out of the first prompt, refuses the FIFO and the device, and finishes', { timeout: 120_000 }, async () => {
    const repo = await makeRepo({ 'src/app.js': 'export const answer = 41;\n', 'Makefile': 'test:\n\ttrue\n' });
    const base = dirname(repo.root);
    await writeFile(join(base, 'secret.txt'), `${secret}\n`);
    await writeFile(join(base, 'rules.md'), `Rules from outside: ${secret}\n`);
    await writeFile(join(base, 'package.json'), JSON.stringify({ scripts: { test: `echo ${secret}` } }));
    execFileSync('mkfifo', [join(base, 'fifo')]);
    // Tracked symbolic links, committed: to a file, rules and a manifest outside, a FIFO and a device.
    await symlink(join(base, 'secret.txt'), join(repo.root, 'notes.txt'));
    await symlink(join(base, 'rules.md'), join(repo.root, 'AGENTS.md'));
    await symlink(join(base, 'package.json'), join(repo.root, 'package.json'));
    await symlink(join(base, 'fifo'), join(repo.root, 'pipe.txt'));
    await symlink('/dev/zero', join(repo.root, 'zero.bin'));
    git(repo.root, 'add', '--all');
    git(repo.root, 'commit', '--quiet', '-m', 'links');
    const ollama = await startAgentOllama([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/app.js', search: '41', replace: '42' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'The answer is 42.' } }] },
    ]);
    try {
      const prompt = 'Read notes.txt, pipe.txt and zero.bin, then make the answer in src/app.js 42.';
      const { result, error, events } = await runTask(repo, ollama, { prompt });
      assert.equal(error, undefined, String(error));
      const firstPrompt = JSON.stringify((ollama.requestsTo('/api/chat')[0]?.body as ChatRequestBody).messages);
      assert.match(firstPrompt, /src\/app\.js \(whole file\)/, 'the regular file named in the task is there');
      assert.doesNotMatch(firstPrompt, new RegExp(secret), 'no content from outside the repository');
      const [context] = eventsOf(events, 'context-gather');
      assert.deepEqual(context?.rules, []);
      const note = String(context?.note);
      for (const refused of [/"notes\.txt" resolves through a symbolic link to outside/, /"pipe\.txt" resolves/, /"zero\.bin" resolves/, /"AGENTS\.md" resolves/, /"package\.json" resolves/]) assert.match(note, refused);
      // The checks come from the tracked Makefile, not the manifest outside.
      assert.equal(eventsOf(events, 'checks-discover')[0]?.source, 'Makefile');
      assert.ok(!JSON.stringify(events).includes(`echo ${secret}`));
      assert.equal(result?.outcome, 'succeeded', result?.reason);
    } finally {
      await ollama.close();
      await repo.dispose();
    }
  });
});
