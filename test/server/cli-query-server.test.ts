import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueryResponse, RepositoryList } from '../../schemas/index.js';
import { runCli } from './cli-run.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));
const cliChild = fileURLToPath(new URL('../support/cli-child.ts', import.meta.url));
const moduleTrace = fileURLToPath(new URL('../support/module-trace.mjs', import.meta.url));

/** Packages that cost hundreds of milliseconds to load: the index, the chunker, the models, the HTTP server. */
const heavy = ['@lancedb/lancedb', 'apache-arrow', 'tree-sitter', '@huggingface/transformers', 'onnxruntime-node', 'fastify', 'chokidar'];
/** The embedder's packages; protobufjs is the ONNX converter's, loaded only when a model is converted. */
const embedderPackages = ['@huggingface/transformers', 'onnxruntime-node', 'protobufjs'];

type Answer = QueryResponse & { via?: string };

/** Runs the CLI as its own process (from source) and returns the npm packages it loaded, with its output. */
function tracedCli(argv: string[], env: NodeJS.ProcessEnv, traceFile: string): Promise<{ code: number | null; stdout: string; stderr: string; packages: string[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', moduleTrace, cliChild, ...argv], { cwd: projectRoot, env: { ...process.env, ...env, MINIONS_MODULE_TRACE: traceFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      readFile(traceFile, 'utf8').then((text) => resolve({ code, stdout, stderr, packages: JSON.parse(text) as string[] }), reject);
    });
  });
}

/** Starts `minions serve` as a child process on a free port; resolves with its address once it listens. */
function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliChild, 'serve', '--port', '0', ...args], { cwd: projectRoot, env: { ...process.env, ...env, MINIONS_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (data: Buffer) => {
      text += data.toString();
      const match = /serving (http:\/\/\S+) /.exec(text);
      if (match?.[1]) resolve({ child, url: match[1], exited });
    });
    void exited.then((code) => reject(new Error(`minions serve exited with ${code} before listening`)));
  });
}

/** Until every registered repository is ready: the server reports it only through its status (no event to wait on), so ask again. */
async function untilReady(url: string, token?: string): Promise<void> {
  for (;;) {
    const response = await fetch(`${url}/v1/repositories`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const { repositories } = (await response.json()) as RepositoryList;
    if (repositories.length > 0 && repositories.every((repository) => repository.status === 'ready')) return;
    assert.ok(!repositories.some((repository) => repository.status === 'error'), JSON.stringify(repositories));
    await delay(50);
  }
}

/** `minions query` through a running `minions serve` (real processes, real port) and its fallbacks; which modules the fast paths load. */
describe('minions query through a running server', () => {
  let folder = '';
  let repo = '';
  let other = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-server-'));
    repo = join(folder, 'repo');
    other = join(folder, 'other');
    await mkdir(join(repo, 'src'), { recursive: true });
    await mkdir(other);
    await writeFile(join(repo, 'src', 'weather.py'), 'def forecast_rain(city):\n    """Tells whether it will rain in a city tomorrow."""\n    return city == "London"\n');
    await writeFile(join(repo, 'src', 'math.js'), 'function addNumbers(a, b) {\n  return a + b;\n}\n');
    await writeFile(join(other, 'tides.py'), 'def forecast_tides(port):\n    return port\n');
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_THREADS: '1' };
    // Indexed beforehand, so the server's startup pass finds nothing to embed.
    for (const path of [repo, other]) assert.equal((await runCli(['index', path], folder, env)).code, 0);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('prints the version of package.json and the help without loading any heavy module', async () => {
    const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    const printed = await tracedCli(['--version'], env, join(folder, 'trace-version.json'));
    assert.equal(printed.code, 0, printed.stderr);
    assert.equal(printed.stdout, `${version}\n`);
    const help = await tracedCli(['--help'], env, join(folder, 'trace-help.json'));
    assert.match(help.stdout, /^minions: self-hosted coding agents/);
    for (const trace of [printed, help]) assert.deepEqual(heavy.filter((name) => trace.packages.includes(name)), []);
  });

  it('answers through the server, loading nothing of the index, and falls back once the server is killed', async () => {
    const server = await startServer(['--repo', repo], env);
    try {
      await untilReady(server.url);
      // The server loads the model on its first vector query: done here, so the CLI's hybrid query below is not the first.
      const warm = await fetch(`${server.url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repo, query: 'warm up', mode: 'hybrid' }) });
      assert.equal(warm.status, 200);
      const published = await readFile(join(folder, 'data', 'locks', 'server.json'), 'utf8');
      assert.equal((JSON.parse(published) as { url: string }).url, server.url);
      for (const mode of ['text', 'hybrid']) {
        const traced = await tracedCli(['query', repo, 'will it rain tomorrow', '--mode', mode, '--json'], env, join(folder, `trace-${mode}.json`));
        const answer = JSON.parse(traced.stdout) as Answer;
        assert.equal(answer.via, 'server', mode);
        assert.equal(answer.results[0]?.path, 'src/weather.py', mode);
        assert.deepEqual(heavy.filter((name) => traced.packages.includes(name)), [], mode);
      }
      const readable = await runCli(['query', repo, 'forecast', 'rain', '--mode', 'text'], folder, env);
      assert.match(readable.stdout, /^1\. src\/weather\.py:1-3 {2}function forecast_rain/);
      // A repository the server does not serve is answered in process.
      const unregistered = JSON.parse((await runCli(['query', other, 'forecast tides', '--mode', 'text', '--json'], folder, env)).stdout) as Answer;
      assert.deepEqual([unregistered.via, unregistered.results[0]?.path], ['process', 'tides.py']);
      // A bad option is refused with the in-process message, as without a server.
      const bad = await runCli(['query', repo, 'rain', '--k', '0'], folder, env);
      assert.deepEqual([bad.code, bad.stderr.startsWith('minions: ')], [2, true]);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    // kill -9 leaves server.json and the lock behind: stale, since the process is gone.
    assert.ok(existsSync(join(folder, 'data', 'locks', 'server.json')));
    const traced = await tracedCli(['query', repo, 'forecast rain', '--mode', 'text', '--json'], env, join(folder, 'trace-stale.json'));
    const answer = JSON.parse(traced.stdout) as Answer;
    assert.deepEqual([answer.via, answer.results[0]?.path], ['process', 'src/weather.py']);
    // A text query in process loads the index (which shows the trace sees packages) but never the embedder.
    assert.ok(traced.packages.includes('@lancedb/lancedb'), traced.packages.join(' '));
    assert.deepEqual(embedderPackages.filter((name) => traced.packages.includes(name)), []);
    // Nor the Ollama client: no model is asked.
    assert.ok(!traced.packages.includes('ollama'), traced.packages.join(' '));
  });

  it('uses a server that needs a token only with MINIONS_TOKEN, never writes the token, and unpublishes on shutdown', async () => {
    const token = 'cli-test-token-1234';
    const server = await startServer(['--repo', repo], { ...env, MINIONS_TOKEN: token });
    try {
      await untilReady(server.url, token);
      const published = await readFile(join(folder, 'data', 'locks', 'server.json'), 'utf8');
      assert.ok(!published.includes(token));
      assert.equal((JSON.parse(published) as { token: boolean }).token, true);
      const without = JSON.parse((await runCli(['query', repo, 'forecast rain', '--mode', 'text', '--json'], folder, env)).stdout) as Answer;
      assert.equal(without.via, 'process');
      const withToken = JSON.parse((await runCli(['query', repo, 'forecast rain', '--mode', 'text', '--json'], folder, { ...env, MINIONS_TOKEN: token })).stdout) as Answer;
      assert.deepEqual([withToken.via, withToken.results[0]?.path], ['server', 'src/weather.py']);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await server.exited, 0);
    assert.ok(!existsSync(join(folder, 'data', 'locks', 'server.json')));
  });
});
