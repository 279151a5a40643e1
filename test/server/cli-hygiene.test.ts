// Command-line hygiene, through the CLI as its own process where the exit code and stderr
// matter: help per command (--help and -h), an unknown command named with the closest one,
// one line (no stack trace) for a port in use and an unusable data directory, and a query
// run in a subfolder of an indexed repository.
import assert from 'node:assert/strict';
import { spawn, type SpawnOptions } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueryResponse } from '../../schemas/index.js';
import { startScriptedOllama, type ScriptedOllama } from '../support/scripted-ollama.js';
import { cliChild } from '../support/serve-child.js';
import { runCli } from './cli-run.js';

const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the CLI as its own process; its exit code and output. */
function cli(argv: string[], env: NodeJS.ProcessEnv, options: SpawnOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Leading `--import X` pairs are node's, the rest the CLI's.
  const nodeOptions = argv[0] === '--import' ? argv.slice(0, 2) : [];
  const child = spawn(process.execPath, ['--import', 'tsx', ...nodeOptions, cliChild, ...argv.slice(nodeOptions.length)], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** One line on stderr, without a stack trace. */
function oneLine(stderr: string): void {
  assert.equal(stderr.split('\n').length, 2, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
}

describe('command-line hygiene', () => {
  let folder = '';
  let ollama: ScriptedOllama;
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-hygiene-'));
    ollama = await startScriptedOllama({ models: [{ name: 'nomic-embed-text', embeddingLength: 64 }] });
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_EMBEDDER: 'ollama:nomic-embed-text', OLLAMA_HOST: ollama.host, MINIONS_LOG_LEVEL: 'warn' };
  });
  after(async () => {
    await ollama.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('prints the help of one command with its own options for --help and -h, and of a tasks subcommand', async () => {
    for (const flag of ['--help', '-h']) {
      const help = await cli(['query', flag], env);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /^Usage:\n {2}minions query <repo> <text> /);
      assert.match(help.stdout, /^ {2}--k N\n {6}results, 1 to 200/m);
      assert.doesNotMatch(help.stdout, /minions index </, 'only that command');
    }
    const serve = await cli(['help', 'serve'], env);
    assert.match(serve.stdout, /^ {2}--port N\n/m);
    const tasks = await cli(['tasks', '--help'], env);
    assert.equal(tasks.code, 0);
    assert.match(tasks.stdout, /^ {2}minions tasks follow <id> /m);
    const submit = await cli(['tasks', 'submit', '-h'], env);
    assert.equal(submit.code, 0);
    assert.match(submit.stdout, /^Usage: minions tasks submit --repo <path> "<task>"[^]*^ {2}--follow\n/m);
  });

  it('loads none of the index, the models or Fastify for help and for the client commands', async () => {
    const heavy = ['@lancedb/lancedb', 'apache-arrow', 'tree-sitter', '@huggingface/transformers', 'onnxruntime-node', 'fastify', 'chokidar', '@modelcontextprotocol/sdk'];
    const moduleTrace = fileURLToPath(new URL('../support/module-trace.mjs', import.meta.url));
    for (const [index, argv] of [['serve', '--help'], ['tasks', 'list'], ['quer']].entries()) {
      const trace = join(folder, `trace-${index}.json`);
      await cli(['--import', moduleTrace, ...argv], { ...env, MINIONS_MODULE_TRACE: trace });
      const packages = JSON.parse(await readFile(trace, 'utf8')) as string[];
      assert.deepEqual(heavy.filter((name) => packages.includes(name)), [], argv.join(' '));
    }
    // `minions mcp` through a server (here one that never answers: stdin closes first) needs the SDK, not the index.
    const trace = join(folder, 'trace-mcp.json');
    const mcp = await cli(['--import', moduleTrace, 'mcp', '--server', 'http://127.0.0.1:1'], { ...env, MINIONS_MODULE_TRACE: trace });
    assert.equal(mcp.code, 0, mcp.stderr);
    const packages = JSON.parse(await readFile(trace, 'utf8')) as string[];
    assert.deepEqual(heavy.filter((name) => packages.includes(name)), ['@modelcontextprotocol/sdk']);
  });

  it('names an unknown command, with the closest one when there is one', async () => {
    const typo = await cli(['quer', 'x'], env);
    assert.deepEqual([typo.code, typo.stdout, typo.stderr], [2, '', 'minions: unknown command "quer" (did you mean "query"?). Run `minions --help` for the commands.\n']);
    const far = await cli(['frobnicate'], env);
    assert.deepEqual([far.code, far.stderr], [2, 'minions: unknown command "frobnicate". Run `minions --help` for the commands.\n']);
    const tasks = await cli(['tasks', 'folow', '1'], env);
    assert.equal(tasks.code, 2);
    assert.equal(tasks.stderr, 'minions: Unknown tasks subcommand "folow"; the subcommands are submit, list, show, follow, cancel.\n');
  });

  it('says in one line that the port is in use', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const serve = await cli(['serve', '--port', String(port)], env);
      assert.equal(serve.code, 1);
      oneLine(serve.stderr);
      assert.equal(serve.stderr, `minions: Port ${port} on 127.0.0.1 is already in use by another program: stop it, or choose another port with --port (MINIONS_PORT).\n`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('refuses an unusable data directory in one line before any work', async () => {
    const file = join(folder, 'a-file');
    await writeFile(file, 'not a folder');
    const repo = join(folder, 'plain');
    await mkdir(repo, { recursive: true });
    for (const argv of [['index', repo], ['serve', '--port', '0'], ['query', repo, 'anything']]) {
      const refused = await cli([...argv, '--data-dir', file], env);
      assert.equal(refused.code, 2, argv[0]);
      oneLine(refused.stderr);
      assert.equal(refused.stderr, `minions: The data directory ${file} cannot be a folder: ${file} is a file. Choose another (--data-dir or MINIONS_DATA_DIR).\n`, argv[0]);
    }
    const under = await cli(['index', repo, '--data-dir', join(file, 'data')], env);
    assert.equal(under.stderr, `minions: The data directory ${join(file, 'data')} cannot be a folder: ${file} is a file. Choose another (--data-dir or MINIONS_DATA_DIR).\n`);
  });

  it('refuses a data directory this user cannot write', { skip: process.getuid?.() !== 0 && 'needs root, to run the CLI as another user' }, async () => {
    const locked = join(folder, 'locked');
    await mkdir(join(locked, 'data'), { recursive: true });
    await chmod(folder, 0o755);
    const repo = join(folder, 'plain-for-nobody');
    await mkdir(repo, { recursive: true });
    const refused = await cli(['index', repo, '--data-dir', join(locked, 'data')], { ...env, HOME: folder }, { uid: 65534, gid: 65534 });
    assert.equal(refused.code, 2);
    oneLine(refused.stderr);
    assert.equal(refused.stderr, `minions: The data directory ${join(locked, 'data')} is not writable by this user (${join(locked, 'data')}): fix its permissions or choose another (--data-dir or MINIONS_DATA_DIR).\n`);
  });

  it('a query run in a subfolder of an indexed repository searches that repository', async () => {
    const repo = join(folder, 'weather');
    await mkdir(join(repo, 'src', 'deep'), { recursive: true });
    await writeFile(join(repo, 'src', 'rain.py'), 'def forecast_rain(city):\n    return city == "London"\n');
    assert.equal((await runCli(['index', repo], folder, env)).code, 0);
    const answer = await runCli(['query', '.', 'forecast rain', '--mode', 'text', '--json'], join(repo, 'src', 'deep'), env);
    assert.equal(answer.code, 0, answer.stderr);
    assert.equal((JSON.parse(answer.stdout) as QueryResponse).results[0]?.path, 'src/rain.py');
    assert.match(answer.stderr, /^minions: note: .*deep is inside the indexed repository .*weather; searching all of it/);
    const notIndexed = await runCli(['query', join(folder, 'plain'), 'x'], folder, env);
    assert.equal(notIndexed.code, 1);
    assert.match(notIndexed.stderr, /not indexed|minions index/);
  });
});
