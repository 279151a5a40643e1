import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../server/index.js';

const cliEntry = fileURLToPath(new URL('../../support/cli-child.ts', import.meta.url));

/** Everything a stream prints until it ends. */
function collect(stream: Readable): Promise<string> {
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((done) => stream.once('end', () => done(text)));
}

/** Resolves with the first match of `pattern` in what a stream prints. */
function printed(stream: Readable, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (!match) return;
      stream.off('data', onData);
      resolve(match);
    };
    stream.on('data', onData);
    stream.once('end', () => reject(new Error(`stream ended without ${pattern}: ${text}`)));
  });
}

/** `minions serve` in this process; `stop` aborts it and resolves with its exit code. */
async function serveHere(dataDir: string, cwd: string): Promise<{ address: string; stop(): Promise<number> }> {
  const stdout = new PassThrough();
  const controller = new AbortController();
  const serving = printed(stdout, /serving (http:\/\/127\.0\.0\.1:\d+)/);
  const exit = main(['serve', '--port', '0', '--data-dir', dataDir], { stdout, stderr: new PassThrough(), cwd, env: { MINIONS_LOG_LEVEL: 'silent' }, signal: controller.signal });
  const address = (await Promise.race([serving, exit.then((code) => assert.fail(`serve exited with ${code}`))]))[1] ?? '';
  return {
    address,
    stop: () => {
      controller.abort();
      return exit;
    },
  };
}

function serveChild(dataDir: string) {
  return spawn(process.execPath, ['--import', 'tsx', cliEntry, 'serve', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MINIONS_LOG_LEVEL: 'silent' } });
}

describe('one server per data directory', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-two-servers-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('refuses a second server on the same data directory, naming the first (pid, since when)', async () => {
    const dataDir = join(folder, 'shared');
    const first = await serveHere(dataDir, folder);
    try {
      const second = serveChild(dataDir);
      // Without the lock the second one serves: stop it so the assertion below fails instead of waiting forever.
      printed(second.stdout, /serving http/).then(() => second.kill(), () => undefined);
      const [stderr, code] = await Promise.all([collect(second.stderr), new Promise<number | null>((done) => second.once('exit', (exit) => done(exit)))]);
      assert.notEqual(code, 0);
      assert.match(stderr, new RegExp(`Another server already uses the data directory .*shared: minions serve \\(pid ${process.pid} on .*, since \\d{4}-`));
      assert.equal(stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      assert.equal((await fetch(`${first.address}/healthz`)).status, 200, 'the first server keeps serving');
    } finally {
      assert.equal(await first.stop(), 0);
    }
  });

  it('takes over the lock of a server killed with SIGKILL', async () => {
    const dataDir = join(folder, 'killed');
    const child = serveChild(dataDir);
    await printed(child.stdout, /serving http/);
    const gone = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await gone;
    const next = await serveHere(dataDir, folder);
    assert.equal(await next.stop(), 0);
  });
});
