// The MCP server at /mcp on a real listening server (127.0.0.1, a free port), driven by the
// SDK's own client over Streamable HTTP: the tools over a real indexed repository, a task
// through the real agent on the scripted Ollama, the repositories as resources, and the
// bearer token rules of the rest of the API.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ContextResponse, QueryResponse, RepoMap, Repository, SymbolsResponse, Task, TaskAccepted, TaskResult } from '../../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../../../server/agent-wiring.js';
import { loadConfig } from '../../../server/config.js';
import { calculatorFiles, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { ServerFixture, taskEnded } from '../http/server-fixture.js';

type ToolAnswer = { isError?: boolean; content: { type: string; text?: string }[] };

/** The text of a tool's answer; parsed as JSON when it is not an error. */
function textOf(answer: unknown): string {
  const first = (answer as ToolAnswer).content[0];
  assert.equal(first?.type, 'text');
  return first.text ?? '';
}

async function connect(url: string, token?: string): Promise<Client> {
  const client = new Client({ name: 'minions-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`), token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  await client.connect(transport);
  return client;
}

describe('MCP over Streamable HTTP on minions serve', () => {
  it('lists the tools and runs each against a registered repository and the real agent', async () => {
    const ollama = await startAgentOllama([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
    ]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env) });
      const id = await fixture.register(app, repo.root);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      const client = await connect(url);
      try {
        const { tools } = await client.listTools();
        assert.deepEqual(tools.map((tool) => tool.name).sort(), ['context', 'find_definition', 'find_references', 'list_repositories', 'repo_map', 'run_task', 'search_code', 'task_result', 'task_status']);
        assert.equal(tools.find((tool) => tool.name === 'search_code')?.inputSchema.type, 'object');

        const listed = JSON.parse(textOf(await client.callTool({ name: 'list_repositories', arguments: {} }))) as { repositories: Repository[] };
        assert.deepEqual(listed.repositories.map((repository) => [repository.id, repository.status]), [[id, 'ready']]);

        const search = await client.callTool({ name: 'search_code', arguments: { repo: repo.root, query: 'add two numbers', k: 3, mode: 'text' } });
        assert.notEqual(search.isError, true, textOf(search));
        const answer = JSON.parse(textOf(search)) as QueryResponse;
        assert.equal(answer.results[0]?.path, 'src/math.js');
        assert.equal(answer.results[0]?.symbol, 'add');

        const definition = JSON.parse(textOf(await client.callTool({ name: 'find_definition', arguments: { repo: repo.root, name: 'add' } }))) as SymbolsResponse;
        assert.deepEqual(definition.definitions.map((found) => [found.path, found.startLine]), [['src/math.js', 1]]);
        const references = JSON.parse(textOf(await client.callTool({ name: 'find_references', arguments: { repo: id, name: 'add' } }))) as SymbolsResponse;
        assert.ok(references.references.some((reference) => reference.path === 'test/math.test.js'), JSON.stringify(references));
        const map = JSON.parse(textOf(await client.callTool({ name: 'repo_map', arguments: { repo: repo.root, focusSymbols: ['multiply'], budgetTokens: 256 } }))) as RepoMap;
        assert.ok(map.files.some((file) => file.path === 'src/math.js') && map.tokens <= 256, JSON.stringify(map));
        const context = JSON.parse(textOf(await client.callTool({ name: 'context', arguments: { repo: repo.root, task: 'Fix add in src/math.js', budget: 2048 } }))) as ContextResponse;
        assert.equal(context.sections[0]?.kind, 'task');
        assert.ok(context.tokens <= 2048 && context.files.includes('src/math.js'), JSON.stringify(context.files));

        const accepted = JSON.parse(textOf(await client.callTool({ name: 'run_task', arguments: { repo: id, prompt: 'Fix add in src/math.js' } }))) as TaskAccepted;
        assert.match(accepted.id, /^[0-9a-f-]+$/);
        await taskEnded(app, accepted.id);
        const status = JSON.parse(textOf(await client.callTool({ name: 'task_status', arguments: { id: accepted.id } }))) as Task;
        assert.equal(status.status, 'succeeded');
        const result = JSON.parse(textOf(await client.callTool({ name: 'task_result', arguments: { id: accepted.id } }))) as TaskResult;
        assert.match(result.diff, /\+ {2}return a \+ b;/);

        const resources = await client.listResources();
        assert.deepEqual(resources.resources.map((resource) => resource.uri), [`minions://repositories/${id}`]);
        const read = await client.readResource({ uri: `minions://repositories/${id}` });
        const content = read.contents[0] as { text: string; mimeType: string };
        assert.equal(content.mimeType, 'application/json');
        assert.equal((JSON.parse(content.text) as Repository).root, repo.root);
      } finally {
        await client.close();
      }
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });

  it('answers a failing call with isError and one line, and needs the token when the server has one', async () => {
    const fixture = await ServerFixture.create();
    try {
      const app = await fixture.build({ token: 'sesame' });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      await assert.rejects(connect(url), /401|Unauthorized|bearer/i);
      await assert.rejects(connect(url, 'wrong'), /401|Unauthorized|not valid/i);
      const client = await connect(url, 'sesame');
      try {
        const unknownRepo = await client.callTool({ name: 'search_code', arguments: { repo: '/nowhere/at/all', query: 'x' } });
        assert.equal(unknownRepo.isError, true);
        assert.match(textOf(unknownRepo), /^\/nowhere\/at\/all is not a registered repository; register it with POST \/v1\/repositories\.$/);
        const badArguments = await client.callTool({ name: 'search_code', arguments: { repo: '/x', query: 'x', k: 0 } });
        assert.equal(badArguments.isError, true);
        assert.equal(textOf(badArguments), 'Invalid arguments: k must be >= 1.');
        const noAgent = await client.callTool({ name: 'run_task', arguments: { repo: '/x', prompt: 'do it' } });
        assert.equal(noAgent.isError, true);
        assert.match(textOf(noAgent), /No agent is configured/);
        const noTask = await client.callTool({ name: 'task_status', arguments: { id: 'nope' } });
        assert.equal(textOf(noTask), 'No task nope.');
        await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /Unknown tool no_such_tool/);
      } finally {
        await client.close();
      }
      const get = await fetch(`${url}/mcp`, { headers: { authorization: 'Bearer sesame' } });
      assert.equal(get.status, 405);
    } finally {
      await fixture.dispose();
    }
  });
});
