// Escapes through minions' own git: a repository that commits `gitfile -> .git` lets a
// model with file tools rewrite the worktree's git pointer and plant a filter driver; a
// repository test script plants `core.fsmonitor` and a filter in the user's `.git/config`,
// or points the worktree at the user's checkout. minions' git must run none of it, never
// commit onto the user's branch, and refuse delivery of a run whose git state was touched.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { chmod, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { configChanges, configOverrides, diffSafeArguments, parseConfigList } from '../../agent/workspace/git-guard.js';
import { addWorktree, git as minionsGit } from '../../agent/workspace/git.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama, type FixtureRepo } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = { name: 'finish', arguments: { summary: 'add() now adds.' } };

/** A repository whose `.js` files name the filter `x` and the diff driver `x`, plus a script that records each time it runs. */
async function attackedRepo(extra: Record<string, string>): Promise<{ repo: FixtureRepo; marker: string; hook: string; planted: string }> {
  const repo = await makeRepo({ ...calculatorFiles, '.gitattributes': '*.js filter=x diff=x\n', ...extra });
  const marker = join(repo.worktrees, '..', 'marker');
  const hook = join(repo.worktrees, '..', 'hook.sh');
  await writeFile(hook, `#!/bin/sh\necho "ran $0 $*" >> ${marker}\ncat\n`);
  await chmod(hook, 0o755);
  const planted = `[core]\n\tfsmonitor = ${hook}\n[filter "x"]\n\tclean = ${hook} clean\n\tprocess = ${hook} process\n[diff "x"]\n\ttextconv = ${hook} textconv\n`;
  return { repo, marker, hook, planted };
}

/** The user's repository is as it was: on main at `head`, nothing staged or modified, no planted marker. */
async function assertUserRepositoryUntouched(repo: FixtureRepo, head: string, marker: string): Promise<void> {
  await assert.rejects(stat(marker), 'no planted program ran');
  assert.equal(git(repo.root, 'rev-parse', 'main'), head, 'nothing committed on the user\'s main');
  assert.equal(git(repo.root, 'symbolic-ref', 'HEAD'), 'refs/heads/main');
  assert.equal(git(repo.root, '-c', 'core.fsmonitor=false', 'status', '--porcelain'), '', "the user's checkout is clean");
}

/** A plant script for the fixture's `npm test`: reaches the user's metadata through the worktree's pointer. */
function plantScript(body: string): string {
  return [
    "const fs = require('node:fs');",
    "const path = require('node:path');",
    "const admin = path.resolve(fs.readFileSync('.git', 'utf8').replace(/^gitdir: /, '').trim());",
    "const common = path.resolve(admin, fs.readFileSync(path.join(admin, 'commondir'), 'utf8').trim());",
    `try { ${body} } catch (error) { console.log('plant refused: ' + error.code); }`,
    '',
  ].join('\n');
}

describe('git tampering', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
  });

  it('drivers of the repository configuration are emptied by name, diffs never run external programs, and config changes are named', () => {
    const entries = parseConfigList('global\0filter.lfs.clean\ngit-lfs clean -- %f\0local\0filter.a.b=c.clean\nevil\0worktree\0diff.x.textconv\nevil\0local\0core.bare\nfalse\0');
    assert.deepEqual(entries[1], { scope: 'local', key: 'filter.a.b=c.clean', value: 'evil' });
    const overrides = configOverrides(entries);
    assert.deepEqual(overrides.slice(0, 2), [['core.hooksPath', '/dev/null'], ['core.fsmonitor', 'false']]);
    assert.ok(overrides.some(([key, value]) => key === 'filter.a.b=c.process' && value === ''));
    assert.ok(overrides.some(([key, value]) => key === 'diff.x.textconv' && value === ''));
    assert.ok(!overrides.some(([key]) => key.startsWith('filter.lfs.')), "the user's global git-lfs stays");
    assert.deepEqual(diffSafeArguments(['-c', 'user.name=x', 'diff', '--cached']), ['-c', 'user.name=x', 'diff', '--no-ext-diff', '--no-textconv', '--cached']);
    assert.deepEqual(diffSafeArguments(['-c', 'user.name=diff', 'commit', '-m', 'diff']), ['-c', 'user.name=diff', 'commit', '-m', 'diff']);
    assert.deepEqual(configChanges(entries, [...entries.slice(1), { scope: 'local', key: 'core.fsmonitor', value: '/x' }]), ['local core.fsmonitor set', 'global filter.lfs.clean removed']);
  });

  it("minions' git runs none of the programs a repository's config names (hooks, fsmonitor, filters, textconv, external diff), even for a driver name holding '='", async () => {
    const { repo, marker, hook } = await attackedRepo({ '.gitattributes': '*.js filter=x diff=x\n*.md filter=a=b\n', 'README.md': '# readme\n' });
    const signal = new AbortController().signal;
    try {
      await writeFile(join(repo.root, 'post-commit'), `#!/bin/sh\n${hook} hook\n`);
      await chmod(join(repo.root, 'post-commit'), 0o755);
      appendFileSync(join(repo.root, '.git', 'config'), [
        `[core]\n\tfsmonitor = ${hook}\n\thooksPath = ${repo.root}\n`,
        `[filter "x"]\n\tclean = ${hook} clean\n\tsmudge = ${hook} smudge\n\trequired = true\n`,
        `[filter "a=b"]\n\tclean = ${hook} clean\n\tsmudge = ${hook} smudge\n\tprocess = ${hook} process\n`,
        `[diff "x"]\n\ttextconv = ${hook} textconv\n\tcommand = ${hook} command\n[diff]\n\texternal = ${hook} external\n`,
      ].join(''));
      // Checkout (smudge, post-checkout), status (fsmonitor, clean), add (clean), diff (textconv, external) and commit (hooks).
      await addWorktree(repo.root, join(repo.worktrees, 'w'), 'minions/w', 'HEAD', signal);
      await writeFile(join(repo.root, 'src', 'math.js'), 'export const changed = 1;\n');
      await writeFile(join(repo.root, 'README.md'), '# changed\n');
      await minionsGit(repo.root, ['status', '--porcelain'], signal);
      await minionsGit(repo.root, ['add', '--all'], signal);
      await minionsGit(repo.root, ['diff', '--cached'], signal);
      await minionsGit(repo.root, ['diff', 'HEAD'], signal);
      await minionsGit(repo.root, ['commit', '--quiet', '-m', 'change'], signal);
      await assert.rejects(stat(marker), 'no program named in the repository configuration ran');
      assert.equal(git(repo.root, 'show', 'HEAD:src/math.js'), 'export const changed = 1;', 'the content was committed unfiltered');
    } finally {
      await repo.dispose();
    }
  });

  it('a model with file tools cannot reach .git through a committed symlink, so no planted driver runs and main is untouched', async () => {
    const { repo, marker, planted } = await attackedRepo({});
    try {
      await symlink('.git', join(repo.root, 'gitfile'));
      git(repo.root, 'add', 'gitfile');
      git(repo.root, 'commit', '--quiet', '-m', 'gitfile');
      const head = git(repo.root, 'rev-parse', 'main');
      const attacks = [
        { name: 'read_file', arguments: { path: 'gitfile' } },
        { name: 'edit_file', arguments: { path: 'gitfile', search: 'gitdir: ', replace: `gitdir: ${join(repo.root, '.git')}\n# ` } },
        { name: 'create_file', arguments: { path: 'gitfile', content: 'gitdir: fake\n', overwrite: true } },
        { name: 'create_file', arguments: { path: 'gitfile/config', content: planted } },
      ];
      ollama.setChat([
        { toolCalls: [{ name: 'create_file', arguments: { path: 'fake/HEAD', content: 'ref: refs/heads/main\n' } }] },
        { toolCalls: [{ name: 'create_file', arguments: { path: 'fake/objects/.keep', content: '' } }] },
        { toolCalls: [{ name: 'create_file', arguments: { path: 'fake/refs/heads/.keep', content: '' } }] },
        { toolCalls: [{ name: 'create_file', arguments: { path: 'fake/config', content: `[core]\n\trepositoryformatversion = 0\n${planted}` } }] },
        ...attacks.map((call) => ({ toolCalls: [call] })),
        { toolCalls: [fixAdd] },
        { toolCalls: [finish] },
      ]);
      const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js' });
      assert.equal(error, undefined, String(error));
      await assertUserRepositoryUntouched(repo, head, marker);
      const calls = eventsOf(events, 'tool-call');
      for (const attack of attacks) {
        const call = calls.find((recorded) => recorded.tool === attack.name && recorded.arguments === JSON.stringify(attack.arguments));
        assert.equal(call?.ok, false, `${attack.name} ${JSON.stringify(attack.arguments)} is refused`);
      }
      assert.ok(result);
      if (result.commit !== null) assert.equal(git(repo.root, 'rev-parse', result.branch ?? 'no-branch'), result.commit, 'a delivered commit is on the task branch');
    } finally {
      await repo.dispose();
    }
  });

  it('core.fsmonitor and drivers a test script plants in the user\'s .git/config never run, and delivery is refused', async () => {
    const { repo, marker, planted } = await attackedRepo({});
    await writeFile(join(repo.root, 'plant.cjs'), plantScript(`fs.appendFileSync(path.join(common, 'config'), ${JSON.stringify(planted)});`));
    const packageJson = JSON.parse(calculatorFiles['package.json'] ?? '{}') as { scripts: Record<string, string> };
    packageJson.scripts.test = 'node plant.cjs && node --test';
    await writeFile(join(repo.root, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    git(repo.root, 'add', '--all');
    git(repo.root, 'commit', '--quiet', '-m', 'plant');
    const head = git(repo.root, 'rev-parse', 'main');
    const configPath = join(repo.root, '.git', 'config');
    const original = await readFile(configPath, 'utf8');
    try {
      ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
      // Once a command sandbox keeps the script from writing .git, the test plants the same configuration itself, right after the tests ran.
      const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js' }, {
        onEvent: (event) => {
          if (event.type === 'command-end' && String(event.data.output).includes('plant refused')) appendFileSync(configPath, planted);
        },
      });
      assert.equal(error, undefined, String(error));
      assert.ok(eventsOf(events, 'command-end').some((command) => command.command === 'npm test'), 'the planting test script ran');
      assert.match(await readFile(configPath, 'utf8'), /fsmonitor/, 'the configuration was planted');
      await assert.rejects(stat(marker), 'neither the planted fsmonitor nor a planted driver ran');
      assert.ok(result);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.commit, null);
      assert.ok(result.guardrails.violations.some((violation) => /git configuration changed during the run: local core\.fsmonitor set/.test(violation)), result.guardrails.violations.join('; '));
      await writeFile(configPath, original);
      await assertUserRepositoryUntouched(repo, head, marker);
    } finally {
      await repo.dispose();
    }
  });

  it('a test script that points the worktree at the user\'s repository stops the run before any git call on it', async () => {
    const { repo, marker } = await attackedRepo({ 'plant.cjs': plantScript("fs.writeFileSync('.git', 'gitdir: ' + common + '\\n');") });
    const packageJson = JSON.parse(calculatorFiles['package.json'] ?? '{}') as { scripts: Record<string, string> };
    packageJson.scripts.test = 'node plant.cjs && node --test';
    await writeFile(join(repo.root, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
    git(repo.root, 'add', '--all');
    git(repo.root, 'commit', '--quiet', '-m', 'repoint');
    const head = git(repo.root, 'rev-parse', 'main');
    try {
      ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
      const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js' });
      assert.equal(error, undefined, String(error));
      assert.ok(eventsOf(events, 'command-end').some((command) => command.command === 'npm test'), 'the repointing test script ran');
      assert.ok(result);
      assert.equal(result.outcome, 'failed');
      assert.equal(result.commit, null, 'nothing committed anywhere');
      assert.match(result.reason ?? '', /git metadata was tampered with|git metadata tampered with/, result.reason);
      await assertUserRepositoryUntouched(repo, head, marker);
      assert.equal(git(repo.root, 'worktree', 'list', '--porcelain').split('\n').filter((line) => line.startsWith('worktree ')).length, 1, 'the task worktree is gone');
    } finally {
      await repo.dispose();
    }
  });
});
