// The one process runner: exit codes, separate and combined output with their caps,
// the timeout and the abort killing the whole process group, and a command that
// cannot start.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatCommand, isAbortError, runProcess, truncateMiddle, type RunProcessOptions } from '../../platform/index.js';

const base = (overrides: Partial<RunProcessOptions> = {}): RunProcessOptions => ({
  env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  signal: new AbortController().signal,
  maxOutputCharacters: 4000,
  ...overrides,
});

/** True while a process with this pid runs (a zombie waiting to be reaped is dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Whether the process is gone within `withinMs`: after SIGKILL a process closes its files
 * (so the pipe reports the end) a moment before the kernel marks it dead, a window a
 * loaded machine makes visible. Without the group kill, the sleeping grandchild would
 * live for 30 s.
 */
async function diesWithin(pid: number, withinMs = 2000): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (alive(pid)) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

// A shell that starts a long-lived grandchild, prints its pid, then waits; only a group kill ends both.
const spawnsGrandchild = { shell: 'sleep 30 & echo "grandchild $!"; wait' };

describe('runProcess', () => {
  it('reports the exit code and keeps stdout and stderr apart and combined', async () => {
    const result = await runProcess({ shell: 'echo out; echo err >&2; exit 3' }, base({ maxStreamCharacters: 1000 }));
    assert.equal(result.exitCode, 3);
    assert.equal(result.stdout, 'out\n');
    assert.equal(result.stderr, 'err\n');
    assert.match(result.output, /out\n/);
    assert.match(result.output, /err\n/);
    assert.equal(result.timedOut, false);
    assert.equal(result.overflowed, false);
  });

  it('keeps a multi-byte character whole when it arrives split between two reads', async () => {
    // The three bytes of "€" arrive in two writes, 50 ms apart.
    const script = "process.stdout.write(Buffer.from([0xe2, 0x82])); setTimeout(() => process.stdout.write(Buffer.from([0xac, 0x0a])), 50);";
    const result = await runProcess({ argv: [process.execPath, '-e', script] }, base({ maxStreamCharacters: 100 }));
    assert.equal(result.stdout, '€\n');
    assert.equal(result.output, '€\n');
  });

  it('caps combined output to its head and tail', async () => {
    const result = await runProcess({ argv: [process.execPath, '-e', "process.stdout.write('a'.repeat(50000) + 'END')"] }, base({ maxOutputCharacters: 100 }));
    assert.equal(result.exitCode, 0);
    assert.ok(result.output.length < 200, String(result.output.length));
    assert.match(result.output, /^a+\n\[\.\.\. \d+ characters cut \.\.\.\]\na+END$/);
    assert.equal(result.stdout, '', 'streams are only kept apart when asked');
  });

  it('kills the process group when a stream outgrows its cap', async () => {
    const result = await runProcess({ argv: ['yes'] }, base({ maxStreamCharacters: 10_000 }));
    assert.equal(result.overflowed, true);
    assert.equal(result.signal, 'SIGKILL');
  });

  it('kills the whole group at the timeout, grandchildren included', async () => {
    // Long enough for the shell to print the grandchild's pid on a loaded machine.
    const result = await runProcess(spawnsGrandchild, base({ timeoutMs: 2000, maxStreamCharacters: 1000 }));
    assert.equal(result.timedOut, true);
    assert.match(result.output, /\[killed after 2 s timeout\]$/);
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
    assert.ok(grandchild > 0, result.stdout);
    assert.equal(await diesWithin(grandchild), true);
  });

  it('rejects with the abort once the group is dead', async () => {
    const controller = new AbortController();
    let pid: number | null = null;
    const running = runProcess(spawnsGrandchild, base({ signal: controller.signal, onStart: (started) => (pid = started) }));
    assert.ok(pid !== null);
    controller.abort();
    await assert.rejects(running, (error: unknown) => isAbortError(error));
    assert.equal(await diesWithin(pid), true);
    await assert.rejects(runProcess({ argv: ['true'] }, base({ signal: AbortSignal.abort() })), (error: unknown) => isAbortError(error));
  });

  it('reports a command that cannot start as a result, not an exception', async () => {
    const result = await runProcess({ argv: ['minions-no-such-command'] }, base({ maxStreamCharacters: 1000 }));
    assert.equal(result.exitCode, null);
    assert.match(result.output, /ENOENT/);
    assert.match(result.stderr, /ENOENT/);
  });

  it('formats commands as a shell would need them, and cuts long text in the middle', () => {
    assert.equal(formatCommand({ argv: ['npm', 'run', 'lint:fix', "it's here"] }), `npm run lint:fix 'it'\\''s here'`);
    assert.equal(formatCommand({ shell: 'make test' }), 'make test');
    assert.equal(truncateMiddle('abcdefghij', 20), 'abcdefghij');
    assert.equal(truncateMiddle('abcdefghijklmnopqrst', 10), 'abc\n[... 10 characters cut ...]\nnopqrst');
  });
});
