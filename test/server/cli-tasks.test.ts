// The CLI as a client of a running server: `minions tasks` and `minions mcp` (stdio, the
// real CLI spawned) against a real `minions serve` process with the real agent on the
// scripted Ollama, and `follow` resuming through a proxy that drops its first stream.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { RepositoryList, Task, TaskAccepted, TaskEvent, TaskResult } from '../../schemas/index.js';
import { ServerClient } from '../../server/server-client.js';
import { calculatorFiles, makeRepo, toolModel, type FixtureRepo } from '../agent/agent-fixtures.js';
import { closedPort, startScriptedOllama, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { cliChild, startServe, type ServeChild } from '../support/serve-child.js';
import { lockDataDirectory } from '../../server/cli/serve-command.js';
import { publishServer } from '../../server/server-file.js';
import { ServerFixture } from './http/server-fixture.js';
import { runCli } from './cli-run.js';

const embedModel = 'nomic-embed-text';

/** The model fixes add(), then finishes once it has seen the edit's result: the same for every task. */
function fixAdd(request: ChatRequestBody): { toolCalls: { name: string; arguments: Record<string, unknown> }[] } {
  const edited = (request.messages ?? []).some((message) => message.role === 'tool');
  return edited
    ? { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] }
    : { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] };
}

/** Until the server's registered repositories are ready: it reports that only through their status, so ask again. */
async function untilReady(url: string): Promise<void> {
  for (;;) {
    const { repositories } = (await (await fetch(`${url}/v1/repositories`)).json()) as RepositoryList;
    if (repositories.length > 0 && repositories.every((repository) => repository.status === 'ready')) return;
    assert.ok(!repositories.some((repository) => repository.status === 'error'), JSON.stringify(repositories));
    await delay(50);
  }
}

/**
 * A proxy to the server whose first event stream carries one event and is then cut (as a
 * dropped connection would be), with a short `retry`; everything else passes through. It
 * records the Last-Event-ID of each event stream request.
 */
async function droppingProxy(target: string): Promise<{ url: string; lastEventIds: (string | undefined)[]; close(): Promise<void> }> {
  const lastEventIds: (string | undefined)[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const events = /\/events$/.test(incoming.url ?? '');
    if (events) lastEventIds.push(incoming.headers['last-event-id'] as string | undefined);
    const upstream = httpRequest(`${target}${incoming.url ?? '/'}`, { method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      if (!events || lastEventIds.length > 1) return void answer.pipe(outgoing);
      let text = '';
      let cut = false;
      answer.on('data', (part: Buffer) => {
        text += part.toString();
        const first = /(?:^|\n)(id: \d+\n[^]*?\n\n)/.exec(text);
        if (cut || first?.[1] === undefined) return;
        cut = true;
        answer.destroy();
        // Cut once the first event has left, as a connection that drops mid-stream does.
        outgoing.write(`retry: 10\n\n${first[1]}`, () => outgoing.socket?.destroy());
      });
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, lastEventIds, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function connectStdio(env: NodeJS.ProcessEnv): Promise<{ client: Client; errors: Error[] }> {
  const errors: Error[] = [];
  const client = new Client({ name: 'minions-test', version: '1.0.0' });
  client.onerror = (error) => errors.push(error);
  const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', cliChild, 'mcp'], env: { ...(process.env as Record<string, string>), ...(env as Record<string, string>) }, stderr: 'inherit' });
  await client.connect(transport);
  return { client, errors };
}

const textOf = (answer: unknown): string => (answer as { content: { text: string }[] }).content[0]?.text ?? '';

describe('the CLI as a client of a running minions serve', () => {
  let folder = '';
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let serve: ServeChild;
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-tasks-'));
    ollama = await startScriptedOllama({
      models: [{ name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }, { name: embedModel, embeddingLength: 64 }],
      chat: fixAdd,
    });
    repo = await makeRepo(calculatorFiles);
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_EMBEDDER: `ollama:${embedModel}`, OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_ALLOW_NETWORK_COMMANDS: '1', PATH: process.env.PATH ?? '' };
    serve = await startServe(['--repo', repo.root], env);
    await untilReady(serve.url);
  });
  after(async () => {
    await serve.stop();
    await ollama.close();
    await repo.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it('submits and follows a task with the lines of minions run, then lists, shows and refuses to cancel it', async () => {
    const followed = await runCli(['tasks', 'submit', '--repo', repo.root, 'Fix add in src/math.js', '--follow'], folder, env);
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stderr, /^task \S+ submitted \((?:queued|running)\)\nqueued: /);
    assert.match(followed.stderr, /^\[implement\] start$/m);
    assert.match(followed.stderr, /^ {2}ok edit_file /m);
    assert.match(followed.stderr, /^succeeded in .* fix round\(s\)/m);
    assert.match(followed.stdout, /^Succeeded\nBranch: minions\/\S+ \(commit [0-9a-f]{12}\)\n/);
    const id = /^task (\S+) submitted/.exec(followed.stderr)?.[1] ?? '';

    const listed = JSON.parse((await runCli(['tasks', 'list', '--json', '--status', 'succeeded'], folder, env)).stdout) as { tasks: Task[] };
    assert.ok(listed.tasks.some((task) => task.id === id));
    assert.match((await runCli(['tasks', 'list'], folder, env)).stdout, new RegExp(`^${id} +succeeded `, 'm'));
    const shown = JSON.parse((await runCli(['tasks', 'show', id, '--json'], folder, env)).stdout) as Task;
    assert.equal(shown.status, 'succeeded');
    assert.match((await runCli(['tasks', 'show', id], folder, env)).stdout, new RegExp(`^Task ${id}: succeeded\\n[^]*^PR title: `, 'm'));
    const cancel = await runCli(['tasks', 'cancel', id], folder, env);
    assert.equal(cancel.code, 1);
    assert.equal(cancel.stderr, `minions: Task ${id} has already ended (succeeded).\n`);
    const unknown = await runCli(['tasks', 'show', 'nope'], folder, env);
    assert.deepEqual([unknown.code, unknown.stderr], [1, 'minions: No task nope.\n']);
  });

  it('follow resumes with Last-Event-ID after a dropped connection: every event once, in order', async () => {
    const accepted = await runCli(['tasks', 'submit', '--repo', repo.root, 'Fix add in src/math.js', '--json'], folder, env);
    const { id } = JSON.parse(accepted.stdout) as TaskAccepted;
    const proxy = await droppingProxy(serve.url);
    try {
      const followed = await runCli(['tasks', 'follow', id, '--server', proxy.url, '--json'], folder, env);
      assert.equal(followed.code, 0, followed.stderr);
      const events = followed.stdout.trim().split('\n').map((line) => JSON.parse(line) as TaskEvent);
      assert.deepEqual(events.map((event) => event.seq), events.map((_, index) => index + 1));
      assert.equal(events.at(-1)?.type, 'task-end');
      assert.deepEqual(proxy.lastEventIds, [undefined, '1']);
      assert.match(followed.stderr, /event stream dropped .*reconnecting/);
    } finally {
      await proxy.close();
    }
  });

  it('says in one line when no server runs', async () => {
    const none = await runCli(['tasks', 'list'], folder, { ...env, MINIONS_DATA_DIR: join(folder, 'empty') });
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^minions: No minions server runs on the data directory .*empty: start one with `minions serve`, or name one with --server URL\.\n$/);
    const port = await closedPort();
    const unreachable = await runCli(['tasks', 'list', '--server', `http://127.0.0.1:${port}`], folder, env);
    assert.equal(unreachable.code, 1);
    assert.equal(unreachable.stderr, `minions: Cannot reach the minions server at http://127.0.0.1:${port} (ECONNREFUSED). Is \`minions serve\` running there?\n`);
  });

  it('minions mcp on stdio goes through the running server: search, tasks and their results', async () => {
    const { client, errors } = await connectStdio(env);
    try {
      assert.deepEqual((await client.listTools()).tools.map((tool) => tool.name).sort(), ['context', 'find_definition', 'find_references', 'list_repositories', 'repo_map', 'run_task', 'search_code', 'task_result', 'task_status']);
      const search = JSON.parse(textOf(await client.callTool({ name: 'search_code', arguments: { repo: repo.root, query: 'multiply two numbers', mode: 'text' } }))) as { results: { symbol: string }[] };
      assert.equal(search.results[0]?.symbol, 'multiply');
      const { id } = JSON.parse(textOf(await client.callTool({ name: 'run_task', arguments: { repo: repo.root, prompt: 'Fix add in src/math.js' } }))) as TaskAccepted;
      for await (const event of new ServerClient({ url: serve.url, token: undefined }).events(id, { signal: AbortSignal.timeout(120_000) })) if (event.type === 'task-end') break;
      assert.equal((JSON.parse(textOf(await client.callTool({ name: 'task_status', arguments: { id } }))) as Task).status, 'succeeded');
      assert.match((JSON.parse(textOf(await client.callTool({ name: 'task_result', arguments: { id } }))) as TaskResult).diff, /\+ {2}return a \+ b;/);
      assert.deepEqual(errors, [], 'stdout carried only protocol messages');
    } finally {
      await client.close();
    }
  });
});

describe('minions tasks with a server that needs a token', () => {
  it('says so in one line without it, and works with --token or MINIONS_TOKEN', async () => {
    const fixture = await ServerFixture.create();
    try {
      const app = await fixture.build({ token: 'sesame' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const refused = await runCli(['tasks', 'list', '--server', url], fixture.folder, {});
      assert.deepEqual([refused.code, refused.stderr], [1, 'minions: This server requires Authorization: Bearer <token>.\n']);
      const wrong = await runCli(['tasks', 'list', '--server', url, '--token', 'open'], fixture.folder, {});
      assert.deepEqual([wrong.code, wrong.stderr], [1, 'minions: The bearer token is not valid.\n']);
      for (const [argv, env] of [[['--token', 'sesame'], {}], [[], { MINIONS_TOKEN: 'sesame' }]] as const) {
        const listed = await runCli(['tasks', 'list', '--server', url, '--json', ...argv], fixture.folder, env);
        assert.equal(listed.code, 0, listed.stderr);
        assert.deepEqual(JSON.parse(listed.stdout), { tasks: [] });
      }
      // Found through the data directory, as `minions serve` publishes itself there.
      const lock = await lockDataDirectory(fixture.dataDir);
      const published = await publishServer(fixture.dataDir, { url, token: true, embedder: 'default' });
      try {
        const env = { MINIONS_DATA_DIR: fixture.dataDir };
        const noToken = await runCli(['tasks', 'list'], fixture.folder, env);
        assert.deepEqual([noToken.code, noToken.stderr], [1, `minions: The minions server at ${url} needs a token: set MINIONS_TOKEN or pass --token.\n`]);
        const found = await runCli(['tasks', 'list'], fixture.folder, { ...env, MINIONS_TOKEN: 'sesame' });
        assert.deepEqual([found.code, found.stdout], [0, 'No tasks.\n']);
      } finally {
        await published.remove();
        await lock.release();
      }
    } finally {
      await fixture.dispose();
    }
  });
});
