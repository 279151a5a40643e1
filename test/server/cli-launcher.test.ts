// bin/minions, the command npm links onto the PATH: a POSIX shell script that sets
// MALLOC_ARENA_MAX unless the caller did and execs node on bin/minions.js in the same
// process. Run here against a stand-in minions.js beside a copy of it, so what is
// checked is the launcher alone: same pid (no wrapper child), the environment, the
// arguments as given, a symlink (npm link) and a signal reaching the process that works.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

/** Prints what it was started with, then waits for SIGTERM and says it got it. */
const standIn = `
process.on('SIGTERM', () => { process.stdout.write('SIGTERM\\n'); process.exit(0); });
process.stdout.write(JSON.stringify({ pid: process.pid, arena: process.env.MALLOC_ARENA_MAX ?? null, argv: process.argv.slice(2) }) + '\\n');
setInterval(() => {}, 1 << 30);
`;

interface Started {
  pid: number;
  arena: string | null;
  argv: string[];
}

describe('the minions launcher (bin/minions)', () => {
  let folder = '';
  let launcher = '';

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-launcher-'));
    await mkdir(join(folder, 'bin'));
    launcher = join(folder, 'bin', 'minions');
    await copyFile(resolve('bin/minions'), launcher);
    await writeFile(join(folder, 'bin', 'minions.js'), standIn);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  /** Starts the launcher, reads the stand-in's first line, stops it with SIGTERM and returns what it printed. */
  async function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ started: Started; childPid: number; afterSignal: string }> {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    const started = JSON.parse(String(first.value)) as Started;
    child.kill('SIGTERM');
    const next = await lines.next();
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
    return { started, childPid: child.pid ?? -1, afterSignal: String(next.value) };
  }

  const baseEnv = (): NodeJS.ProcessEnv => {
    const env = { ...process.env };
    delete env.MALLOC_ARENA_MAX;
    return env;
  };

  it('runs minions.js in its own process with MALLOC_ARENA_MAX=2 and the arguments as given; SIGTERM reaches it', async () => {
    const { started, childPid, afterSignal } = await run(launcher, ['query', 'two words', '--k', '5'], baseEnv());
    assert.equal(started.pid, childPid, 'exec: the process started is the one that works');
    assert.equal(started.arena, '2');
    assert.deepEqual(started.argv, ['query', 'two words', '--k', '5']);
    assert.equal(afterSignal, 'SIGTERM');
  });

  it("keeps the caller's MALLOC_ARENA_MAX", async () => {
    const { started } = await run(launcher, ['index'], { ...baseEnv(), MALLOC_ARENA_MAX: '8' });
    assert.equal(started.arena, '8');
  });

  it('finds minions.js beside the real file when run through a symlink, as npm link installs it', async () => {
    const link = join(folder, 'linked-minions');
    await symlink(launcher, link);
    const { started, childPid } = await run(link, ['--version'], baseEnv());
    assert.equal(started.pid, childPid);
    assert.deepEqual(started.argv, ['--version']);
  });
});
