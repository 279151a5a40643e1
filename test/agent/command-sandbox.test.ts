// The filesystem sandbox of commands (bubblewrap), attacked as a repository's test script
// would: escape 3 (capabilities, other processes' environments, the host's network
// namespace), writes outside the worktree (the user's checkout and .git/config, the real
// HOME), a shared /tmp, processes that outlive the command, and an allocation bomb. Tests
// run as root here; the user-namespace variant runs the same as `nobody` through setpriv.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bubblewrapArgv, createBubblewrapSandbox, type SandboxProbe } from '../../agent/index.js';
import { createLauncher, type CommandLauncher } from '../../agent/workspace/command-launch.js';
import { runProcess, type ProcessResult } from '../../platform/index.js';
import { git, makeRepo, type FixtureRepo } from './agent-fixtures.js';

const secret = 'minions-token-in-the-server-environment-5d1c';
const memoryCapBytes = 512 * 1024 * 1024;

/** The live processes whose command line contains `marker` (zombies, dead and awaiting their reaper, left out). */
async function processesNamed(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const command = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    const status = await readFile(join('/proc', entry, 'status'), 'utf8').catch(() => '');
    if (command.includes(marker) && !/^State:\s+Z/m.test(status)) found.push(`${entry}: ${command}`);
  }
  return found;
}

/** The processes named `marker` still alive after a kill, given up to five seconds (SIGKILL lands asynchronously, later on a loaded machine). */
async function survivorsAfterKill(marker: string): Promise<string[]> {
  for (let attempt = 0; attempt < 250; attempt += 1) {
    const found = await processesNamed(marker);
    if (found.length === 0) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return processesNamed(marker);
}

describe('command sandbox (bubblewrap)', () => {
  let repo: FixtureRepo;
  let worktree: string;
  let probe: Extract<SandboxProbe, { available: true }>;
  let launcher: CommandLauncher;
  const signal = new AbortController().signal;

  const run = async (script: string, prefixBefore: readonly string[] = []): Promise<ProcessResult> => {
    const launch = await launcher(worktree, ['deps']);
    return runProcess({ shell: script }, { cwd: worktree, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, prefix: [...prefixBefore, ...launch.prefix], timeoutMs: 30_000, signal, maxOutputCharacters: 20_000, maxStreamCharacters: 100_000 });
  };

  before(async () => {
    process.env.MINIONS_SANDBOX_TEST_SECRET = secret;
    const found = await createBubblewrapSandbox().probe(signal);
    assert.ok(found.available, found.available ? '' : found.reason);
    probe = found;
    repo = await makeRepo({ 'README.md': '# sandbox\n', '.gitignore': 'deps/\n' });
    await mkdir(join(repo.root, 'deps'));
    await writeFile(join(repo.root, 'deps', 'lib.js'), 'dependency\n');
    worktree = join(repo.worktrees, 'task1');
    git(repo.root, 'worktree', 'add', '--quiet', '-b', 'minions/task1', worktree);
    await symlink(join(repo.root, 'deps'), join(worktree, 'deps'));
    launcher = await createLauncher({ probe, networkPrefix: [], isolateNetwork: true, repoRoot: repo.root, memoryCapBytes, signal });
  });

  after(async () => {
    delete process.env.MINIONS_SANDBOX_TEST_SECRET;
    await repo.dispose();
  });

  it('escape 3: a command has no capabilities, cannot enter the host network namespace and sees no other process', async () => {
    const result = await run(`grep ^CapEff: /proc/self/status; nsenter -t 1 -n true && echo NSENTER-OK; unshare -n true && echo UNSHARE-OK; ls /proc | grep -c '^[0-9]'; cat /proc/*/environ 2>/dev/null | tr '\\0' '\\n' | grep -c MINIONS_SANDBOX_TEST_SECRET; cat /proc/${process.pid}/environ`);
    const [capabilities, ...rest] = result.stdout.trim().split('\n');
    assert.match(capabilities ?? '', /^CapEff:\s*0+$/, result.output);
    assert.doesNotMatch(result.output, /NSENTER-OK|UNSHARE-OK/);
    assert.ok(Number(rest.find((line) => /^\d+$/.test(line))) <= 6, `only the sandbox's own processes are visible: ${result.output}`);
    assert.doesNotMatch(result.output, new RegExp(secret));
  });

  it('the user checkout, its .git/config and the real HOME are read-only; the worktree is writable', async () => {
    const gitConfig = join(git(repo.root, 'rev-parse', '--path-format=absolute', '--git-common-dir'), 'config');
    const before = await readFile(gitConfig, 'utf8');
    const result = await run(
      [
        `git config core.fsmonitor 'touch /tmp/fsmonitor-ran' && echo PLANTED`,
        `printf '[core]\\n\\tfsmonitor = id\\n' >> '${gitConfig}' && echo APPENDED`,
        `echo x > '${join(repo.root, 'README.md')}' && echo CHECKOUT`,
        `echo x > '${join(repo.root, 'deps', 'lib.js')}' && echo DEPS`,
        `touch '${join(homedir(), 'minions-sandbox-was-here')}' && echo REALHOME`,
        `touch /etc/minions-sandbox && echo ETC`,
        'cat deps/lib.js',
        'echo changed > README.md && cat README.md',
        'git status --porcelain --untracked-files=no',
        'echo "$HOME" && touch "$HOME/file" && ls -A "$HOME"',
      ].join('; '),
    );
    assert.doesNotMatch(result.output, /PLANTED|APPENDED|CHECKOUT|DEPS|REALHOME|ETC/, result.output);
    assert.equal(await readFile(gitConfig, 'utf8'), before, 'the user .git/config is unchanged');
    assert.equal(await readFile(join(repo.root, 'README.md'), 'utf8'), '# sandbox\n');
    await assert.rejects(stat(join(homedir(), 'minions-sandbox-was-here')), /ENOENT/);
    assert.match(result.stdout, /^dependency$/m, 'linked dependencies stay readable');
    assert.equal(await readFile(join(worktree, 'README.md'), 'utf8'), 'changed\n');
    assert.match(result.stdout, /^ M README\.md$/m, 'read-only git still works in the worktree');
    // HOME is a fresh writable folder: what it holds is the file just made and the real HOME's toolchain caches (read-only), nothing else.
    const home = result.stdout.slice(result.stdout.indexOf('/tmp/home\n') + '/tmp/home\n'.length).trim().split('\n');
    assert.ok(home.includes('file'), result.output);
    assert.deepEqual(home.filter((entry) => !['file', '.npm', '.cargo', 'go', '.cache', '.m2', '.gradle'].includes(entry)), [], result.output);
  });

  it('/tmp is private to each command', async () => {
    const host = join(tmpdir(), `minions-host-secret-${process.pid}`);
    await writeFile(host, 'host\n');
    const first = await run(`cat '${host}' 2>&1 || echo HIDDEN; echo planted > /tmp/planted`).finally(() => rm(host, { force: true }));
    assert.match(first.stdout, /HIDDEN/);
    await assert.rejects(stat('/tmp/planted'), /ENOENT/);
    const second = await run('cat /tmp/planted 2>/dev/null || echo GONE');
    assert.match(second.stdout, /GONE/);
  });

  it('nothing outlives the command: a setsid child and a background sleep die with it', async () => {
    const marker = `${3000 + (process.pid % 1000)}.123`;
    // The command waits until its setsid child is in its own session, so the kill cannot win a race against setsid().
    const result = await run(`rm -f escaped; setsid sh -c 'touch escaped; exec sleep ${marker}' >/dev/null 2>&1 & (sleep ${marker} >/dev/null 2>&1 &); while [ ! -e escaped ]; do sleep 0.01; done; echo started`);
    assert.match(result.stdout, /started/);
    // The namespace's processes are killed when bwrap exits, which lands asynchronously.
    assert.deepEqual(await survivorsAfterKill(marker), []);
  });

  it('cancelled mid-command, the sandbox dies with every process in it', async () => {
    const marker = `${4000 + (process.pid % 1000)}.7`;
    const controller = new AbortController();
    const launch = await launcher(worktree, ['deps']);
    const started = join(worktree, 'started');
    const running = runProcess(
      { shell: `setsid sleep ${marker} >/dev/null 2>&1 & touch started; sleep ${marker}` },
      { cwd: worktree, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, prefix: launch.prefix, signal: controller.signal, maxOutputCharacters: 1000 },
    );
    const poll = setInterval(() => {
      if (!existsSync(started)) return;
      clearInterval(poll);
      controller.abort();
    }, 20);
    await assert.rejects(running, { name: 'AbortError' });
    assert.deepEqual(await survivorsAfterKill(marker), []);
  });

  it('an allocation bomb stops at the memory cap', async () => {
    const result = await run(`node -e "const kept = []; for (let i = 0; i < 64; i++) kept.push(Buffer.alloc(64 * 1024 * 1024, 1)); console.log('ALLOCATED', kept.length)"; echo "exit $?"`);
    assert.doesNotMatch(result.stdout, /ALLOCATED/, result.output);
    assert.match(result.stdout, /exit [1-9]/);
    const small = await run(`node -e "console.log(Buffer.alloc(64 * 1024 * 1024, 1).length)"`);
    assert.match(small.stdout, /67108864/, small.output);
  });

  it('commands have only loopback', async () => {
    const result = await run(`node -e "console.log(Object.keys(require('node:os').networkInterfaces()).join(','))"`);
    assert.equal(result.stdout.trim(), 'lo');
  });

  it('as an unprivileged user (nobody, in a user namespace): no capabilities, no other process, .git/config read-only', async () => {
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    await chmod(worktree, 0o777);
    await chmod(dirname(repo.root), 0o755);
    // The flags the probe picks for a user that is not root, and nobody's HOME (which does not exist).
    const layout = { worktree, readOnly: [repo.root, join(repo.root, '.git'), join(repo.root, 'deps')], isolateNetwork: true, memoryBytes: memoryCapBytes };
    const prefix = [...nobody, ...bubblewrapArgv(['--unshare-user'], layout, '/nonexistent')];
    const gitConfig = join(repo.root, '.git', 'config');
    const result = await runProcess(
      { shell: `id -u; grep ^CapEff: /proc/self/status; ls /proc | grep -c '^[0-9]'; echo x >> '${gitConfig}' && echo APPENDED; touch made-by-nobody && echo WROTE` },
      { cwd: worktree, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, prefix, timeoutMs: 30_000, signal, maxOutputCharacters: 20_000, maxStreamCharacters: 100_000 },
    );
    const [uid, capabilities, processes] = result.stdout.trim().split('\n');
    assert.equal(uid, '65534', result.output);
    assert.match(capabilities ?? '', /^CapEff:\s*0+$/);
    assert.ok(Number(processes) <= 6, result.output);
    assert.doesNotMatch(result.stdout, /APPENDED/);
    assert.match(result.stdout, /WROTE/);
  });
});
