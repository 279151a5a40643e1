// `minions mcp` on stdio without a running server (the real CLI spawned, driven by the SDK's
// client): it serves the index of its data directory in process, and tasks answer with how
// to start a server instead of failing the session.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { ContextResponse, QueryResponse, RepoMap, Repository, SymbolsResponse } from '../../../schemas/index.js';
import { makeRepo, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { startScriptedOllama, type ScriptedOllama } from '../../support/scripted-ollama.js';
import { cliChild } from '../../support/serve-child.js';
import { runCli } from '../cli-run.js';

type Answer = { isError?: boolean; content: { text: string }[] };
const textOf = (answer: unknown): string => (answer as Answer).content[0]?.text ?? '';

describe('minions mcp on stdio, serving the index in process', () => {
  let folder = '';
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let env: Record<string, string> = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-mcp-stdio-'));
    ollama = await startScriptedOllama({ models: [{ name: 'nomic-embed-text', embeddingLength: 64 }] });
    repo = await makeRepo({ 'src/rain.py': 'def forecast_rain(city):\n    return city == "London"\n', 'src/sum.js': 'export function sumAll(values) {\n  return values.reduce((a, b) => a + b, 0);\n}\n' });
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_EMBEDDER: 'ollama:nomic-embed-text', OLLAMA_HOST: ollama.host };
    assert.equal((await runCli(['index', repo.root], folder, env)).code, 0);
  });
  after(async () => {
    await ollama.close();
    await repo.dispose();
    await rm(folder, { recursive: true, force: true });
  });

  it('lists the indexed repositories, searches them, and answers task tools with an error result', async () => {
    const errors: Error[] = [];
    const client = new Client({ name: 'minions-test', version: '1.0.0' });
    client.onerror = (error) => errors.push(error);
    let stderr = '';
    const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', cliChild, 'mcp'], env: { ...(process.env as Record<string, string>), ...env }, stderr: 'pipe' });
    transport.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
    await client.connect(transport);
    try {
      const { repositories } = JSON.parse(textOf(await client.callTool({ name: 'list_repositories', arguments: {} }))) as { repositories: Repository[] };
      assert.deepEqual(repositories.map((repository) => [repository.root, repository.status, repository.files]), [[repo.root, 'ready', 2]]);
      const id = repositories[0]?.id ?? '';
      for (const named of [repo.root, id]) {
        const search = await client.callTool({ name: 'search_code', arguments: { repo: named, query: 'will it rain in London', k: 1 } });
        assert.notEqual(search.isError, true, textOf(search));
        assert.equal((JSON.parse(textOf(search)) as QueryResponse).results[0]?.symbol, 'forecast_rain');
      }
      const definition = JSON.parse(textOf(await client.callTool({ name: 'find_definition', arguments: { repo: repo.root, name: 'sumAll' } }))) as SymbolsResponse;
      assert.deepEqual(definition.definitions.map((found) => found.path), ['src/sum.js']);
      const map = JSON.parse(textOf(await client.callTool({ name: 'repo_map', arguments: { repo: id } }))) as RepoMap;
      assert.ok(map.files.length > 0 && map.tokens <= 1024, JSON.stringify(map));
      const context = JSON.parse(textOf(await client.callTool({ name: 'context', arguments: { repo: repo.root, task: 'Will it rain in London?', budget: 1024 } }))) as ContextResponse;
      assert.equal(context.sections[0]?.kind, 'task');
      const relative = await client.callTool({ name: 'search_code', arguments: { repo: 'repo', query: 'rain' } });
      assert.equal(relative.isError, true);
      assert.equal(textOf(relative), 'repo must be an absolute path or the id of an indexed repository, not "repo".');
      for (const [name, args] of [['run_task', { repo: repo.root, prompt: 'Fix it' }], ['task_status', { id: 'abc' }], ['task_result', { id: 'abc' }]] as const) {
        const answer = (await client.callTool({ name, arguments: args })) as Answer;
        assert.equal(answer.isError, true, name);
        assert.match(textOf(answer), /^Tasks run in a minions server: start `minions serve` on this data directory/, name);
      }
      const resources = await client.listResources();
      assert.deepEqual(resources.resources.map((resource) => resource.uri), [`minions://repositories/${id}`]);
      assert.deepEqual(errors, [], 'stdout carried only protocol messages');
      assert.match(stderr, /serving the index in this process/);
    } finally {
      await client.close();
    }
  });
});
