import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../server/index.js';
import { runCli } from '../cli-run.js';

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

describe('minions serve', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-serve-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('serves on 127.0.0.1 until its signal aborts, then exits 0', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const controller = new AbortController();
    const serving = printed(stdout, /serving (http:\/\/127\.0\.0\.1:\d+)/);
    const exit = main(['serve', '--port', '0', '--data-dir', join(folder, 'in-process')], { stdout, stderr, cwd: folder, env: { MINIONS_LOG_LEVEL: 'silent' }, signal: controller.signal });
    const address = (await serving)[1] ?? '';
    assert.deepEqual(await (await fetch(`${address}/healthz`)).json(), { status: 'ok' });
    const tasks = await fetch(`${address}/v1/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repo: folder, prompt: 'x' }) });
    assert.equal(tasks.status, 404, 'the agent is wired; the repository is not registered');
    controller.abort();
    assert.equal(await exit, 0);
  });

  it('reports bad settings and a missing --repo as one line', async () => {
    const port = await runCli(['serve', '--port', '70000'], folder, {});
    assert.equal(port.code, 2);
    assert.match(port.stderr, /The port must be an integer from 0 to 65535, not "70000" \(--port or MINIONS_PORT\)/);
    const concurrency = await runCli(['serve', '--port', '0'], folder, { MINIONS_CONCURRENCY: 'lots' });
    assert.equal(concurrency.code, 2);
    const missing = await runCli(['serve', '--port', '0', '--repo', 'nope', '--data-dir', join(folder, 'missing')], folder, { MINIONS_LOG_LEVEL: 'silent' });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No repository at .*nope: the folder does not exist/);
  });

  it('shuts down gracefully on SIGTERM with exit code 0', async () => {
    const script = "const { main } = await import('./server/index.ts'); process.exitCode = await main(process.argv.slice(1));";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'serve', '--port', '0', '--data-dir', join(folder, 'child')], {
      cwd: process.cwd(),
      env: { ...process.env, MINIONS_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const stderr: string[] = [];
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    await printed(child.stdout, /serving http:\/\/127\.0\.0\.1:\d+/);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr.join(''));
    assert.match(stderr.join(''), /shutting down/);
  });
});
