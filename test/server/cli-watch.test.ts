import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { main } from '../../server/index.js';
import type { QueryResponse } from '../../schemas/index.js';
import { runCli } from './cli-run.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Collects a stream's text and resolves `waitFor` promises as lines matching them arrive. */
class Lines {
  text = '';
  private readonly waiters = new Set<() => void>();

  constructor(stream: NodeJS.ReadableStream) {
    stream.on('data', (data: Buffer) => {
      this.text += data.toString();
      for (const waiter of [...this.waiters]) waiter();
    });
  }

  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pattern.test(this.text)) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${this.text}`));
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

/** `minions watch` with the real offline embedder. */
describe('minions watch', () => {
  let folder = '';
  let repo = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-watch-'));
    repo = join(folder, 'repo');
    await mkdir(join(repo, 'src'), { recursive: true });
    await writeFile(join(repo, 'src', 'math.js'), 'function addNumbers(a, b) {\n  return a + b;\n}\n');
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_THREADS: '1' };
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('reconciles, prints one line per batch, and stops cleanly when its signal aborts', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const lines = new Lines(stderr);
    const controller = new AbortController();
    const running = main(['watch', repo], { stdout, stderr, cwd: folder, env, signal: controller.signal });
    await lines.waitFor(/Watching .*repo \(1 files\)\. Stop with Ctrl-C\./);
    assert.match(lines.text, /Reconciling the index with the files on disk\.\n[\s\S]*Reconciled: 1 files, 1 chunks \(1 changed, 0 deleted, 1 embedded\)\./);
    await writeFile(join(repo, 'src', 'weather.py'), 'def forecast_rain(city):\n    return city == "London"\n');
    await lines.waitFor(/batch 1: 1 changed, 0 deleted, 0 unchanged · 1 chunks, 1 embedded · text \d+ ms, vectors \d+ ms/);
    controller.abort();
    assert.equal(await running, 0);
    const found = JSON.parse((await runCli(['query', repo, 'forecast rain', '--mode', 'text', '--json'], folder, env)).stdout) as QueryResponse;
    assert.equal(found.results[0]?.path, 'src/weather.py');
  });

  it('exits 0 on SIGTERM as a process', async () => {
    const script = "const { main } = await import('./server/index.ts'); process.exitCode = await main(process.argv.slice(1));";
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'watch', repo], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = new Lines(child.stderr);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await lines.waitFor(/Watching /);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, lines.text);
  });

  it('reports usage errors and a missing repository', async () => {
    assert.equal((await runCli(['watch'], folder, env)).code, 2);
    const missing = await runCli(['watch', join(folder, 'nope')], folder, env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No repository at .*nope: the folder does not exist\./);
  });
});
