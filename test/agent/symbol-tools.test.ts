// The symbol tools through the real runner: a scripted model calls find_definition,
// find_references and repo_map (also by other names and with misnamed arguments) on a
// repository with a real index, and reads real answers; without a graph or an index
// each tool says so and points at grep.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeSearch } from '../../agent/index.js';
import { MinionsError } from '../../schemas/index.js';
import { createIndexSearch } from '../../server/agent-wiring.js';
import type { ChatReply, ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';
import { ollamaFaults } from '../support/scripted-ollama-faults.js';
import { eventsOf, runTask, startAgentOllama } from './agent-fixtures.js';
import { graphFixture, type GraphFixture } from './graph-fixtures.js';

const call = (name: string, args: Record<string, unknown>): ChatReply => ({ toolCalls: [{ name, arguments: args }] });
const edit = call('edit_file', { path: 'src/router.js', search: "  return text.split('/').filter(Boolean);", replace: "  return text.split('/').filter((part) => part !== '');" });
const finish = call('finish', { summary: 'parseRoute filters empty parts explicitly.' });

/** The tool results the model read, in order (the last message of each chat request after the first). */
function toolResults(ollama: ScriptedOllama, from: number): string[] {
  return ollama.requestsTo('/api/chat').slice(from + 1).map((request) => (request.body as ChatRequestBody).messages?.at(-1)?.content ?? '');
}

describe('symbol tools', () => {
  let fixture: GraphFixture;
  let ollama: ScriptedOllama;
  before(async () => {
    fixture = await graphFixture();
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
    await fixture.dispose();
  });

  it('answers definitions, references and the map from the repository', async () => {
    ollama.setChat([
      call('find_definition', { name: 'parseRoute' }),
      call('goto_definition', { symbol: 'Router.route' }),
      call('find_references', { identifier: 'parseRoute', path: 'src/' }),
      call('repo_map', { paths: ['src/server.js'], symbols: ['createLogger'], max_tokens: 300 }),
      edit,
      finish,
    ]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(fixture.repo, ollama, { prompt: 'Make parseRoute filter empty parts explicitly' }, { search: fixture.search });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const [definition, qualified, references, map] = toolResults(ollama, earlier);
    assert.equal(definition, '1 definition(s):\nsrc/router.js:11-11 function parseRoute\n  export function parseRoute(text)');
    assert.equal(qualified, '1 definition(s) (as route):\nsrc/router.js:6-6 method route\n  route(method, path, handler)');
    assert.equal(references, "src/router.js:7: this.routes.push({ method, path: parseRoute(path), handler });\nsrc/server.js:1: import { Router, parseRoute } from './router.js';\nsrc/server.js:7: log(`listening on ${port} ${parseRoute('/a/b').length}`);");
    assert.match(map ?? '', /^src\/server\.js:\n {2}4: export function startServer\(port\)\nsrc\/logger\.js:/);
    const request = fixture.search.mapRequests.at(-1);
    assert.deepEqual(request, { focusFiles: ['src/server.js'], focusSymbols: ['createLogger'], budgetTokens: 300 });
    assert.deepEqual(fixture.search.symbolRequests.slice(-4).map((entry) => entry.name), ['parseRoute', 'Router.route', 'route', 'parseRoute']);
    const calls = eventsOf(events, 'tool-call').map((entry) => [entry.tool, entry.ok]);
    assert.deepEqual(calls.slice(0, 4), [['find_definition', true], ['find_definition', true], ['find_references', true], ['repo_map', true]]);
  });

  it('runs a symbol tool the model printed as text, across a busy server and a reset stream', async () => {
    ollama.setChat([
      { fault: ollamaFaults.busy },
      { content: 'Let me see who calls it.\n<tool_call>\n{"name": "find_usages", "arguments": {"symbol": "parseRoute"}}\n</tool_call>' },
      { content: 'Now the definition of parseRoute', fault: ollamaFaults.reset(2) },
      call('find_definition', { name: 'parseRoute' }),
      edit,
      finish,
    ]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result, events } = await runTask(fixture.repo, ollama, { prompt: 'Make parseRoute filter empty parts explicitly' }, { search: fixture.search });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const calls = eventsOf(events, 'tool-call').map((entry) => [entry.tool, entry.ok]);
    assert.deepEqual(calls.slice(0, 2), [['find_references', true], ['find_definition', true]]);
    assert.equal(eventsOf(events, 'model-retry').length, 2);
    // A printed call's result comes back as text, as the model wrote the call.
    const results = toolResults(ollama, earlier);
    assert.ok(results.some((text) => text.startsWith('Result of find_references:\nsrc/router.js:7: this.routes.push({ method, path: parseRoute(path), handler });')), results.join('\n---\n'));
    assert.ok(results.some((text) => text.startsWith('1 definition(s):\nsrc/router.js:11-11 function parseRoute')), results.join('\n---\n'));
  });

  it('says when a name is unknown, and bounds long reference lists', async () => {
    ollama.setChat([call('find_definition', { name: 'noSuchThing' }), call('find_references', { name: 'entry', path: 'test' }), edit, finish]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result } = await runTask(fixture.repo, ollama, { prompt: 'Look around' }, { search: fixture.search });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const [unknown, none] = toolResults(ollama, earlier);
    assert.equal(unknown, 'No definition of noSuchThing in the symbol graph. Try search_code, or grep for it.');
    assert.match(none ?? '', /^No references to entry under test in the symbol graph\./);
  });

  it('tells the model to use grep without a graph or an index', async () => {
    const noGraph: CodeSearch = { search: fixture.search.search };
    const failing: CodeSearch = {
      search: fixture.search.search,
      async symbols() {
        throw new MinionsError('index-missing', 'the repository has no index yet');
      },
      async repoMap() {
        throw new MinionsError('index-missing', 'the repository has no index yet');
      },
    };
    for (const search of [noGraph, failing]) {
      ollama.setChat([call('find_definition', { name: 'parseRoute' }), call('find_references', { name: 'parseRoute' }), call('repo_map', {}), edit, finish]);
      const earlier = ollama.requestsTo('/api/chat').length;
      const { result } = await runTask(fixture.repo, ollama, { prompt: 'Look around' }, { search });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const why = search === noGraph ? 'no symbol graph' : 'the repository has no index yet';
      assert.deepEqual(toolResults(ollama, earlier).slice(0, 3), ['find_definition', 'find_references', 'repo_map'].map((tool) => `${tool} is unavailable for this repository (${why}). Use grep (e.g. a regular expression for the name) and read_file instead.`));
    }
  });
});

describe("symbol tools on the index's own graph", () => {
  let fixture: GraphFixture;
  let ollama: ScriptedOllama;
  before(async () => {
    fixture = await graphFixture();
    ollama = await startAgentOllama();
  });
  after(async () => {
    await ollama.close();
    await fixture.dispose();
  });

  it('answers find_definition and find_references through the server wiring', async () => {
    ollama.setChat([call('find_definition', { name: 'parseRoute' }), call('find_references', { name: 'parseRoute', path: 'src' }), call('find_definition', { name: 'Router' }), edit, finish]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { result } = await runTask(fixture.repo, ollama, { prompt: 'Make parseRoute filter empty parts explicitly' }, { search: createIndexSearch(fixture.index) });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    const [definition, references, router] = toolResults(ollama, earlier);
    assert.match(definition ?? '', /^1 definition\(s\):\nsrc\/router\.js:11-13 function parseRoute\n {2}(export )?function parseRoute\(text\)/);
    assert.match(references ?? '', /^src\/router\.js:7: this\.routes\.push\(\{ method, path: parseRoute\(path\), handler \}\);$/m);
    assert.match(references ?? '', /^src\/server\.js:7: /m);
    assert.doesNotMatch(references ?? '', /test\/router\.test\.js/);
    assert.match(router ?? '', /^src\/router\.js:1-9 class Router\n/m);
  });
});
