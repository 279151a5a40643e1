// The one context assembly on a real index of a small repository: sections in order,
// the whole prompt and every section within the budget at small and large budgets, code
// before the map, the map personalised by the files in play, the task's identifiers and
// the top hits' symbols, files shown whole never repeated in the map; without a map or
// without an index it still assembles; and the agent's first prompt is exactly the
// assembly `minions context` shows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assembleContext, contextBudget, previewContext, type CodeSearch } from '../../agent/index.js';
import { estimateTokens } from '../../agent/limits.js';
import { identifiersIn, layOutMap } from '../../agent/context/map-section.js';
import type { ContextResponse } from '../../schemas/index.js';
import { createIndexSearch } from '../../server/agent-wiring.js';
import { eventsOf, git, noIndexSearch, startAgentOllama, runTask } from './agent-fixtures.js';
import { graphFixture, type GraphFixture } from './graph-fixtures.js';
import type { ChatRequestBody, ScriptedOllama } from '../support/scripted-ollama.js';

const task = 'Make parseRoute in the router keep a trailing slash';
const signal = new AbortController().signal;

function tracked(root: string): string[] {
  return git(root, 'ls-files').split('\n').filter((path) => path !== '');
}

function checkShape(response: ContextResponse, text: string, budget: number): void {
  assert.equal(text, response.sections.map((section) => section.text).join('\n\n'), 'the prompt is the sections joined');
  assert.equal(response.tokens, estimateTokens(text));
  assert.ok(response.tokens <= budget, `total ${response.tokens} <= budget ${budget}`);
  assert.ok(response.sections.reduce((sum, section) => sum + section.tokens, 0) <= budget, 'the sections add up within the budget');
  for (const section of response.sections) assert.equal(section.tokens, estimateTokens(section.text), `${section.kind} counted as the agent counts`);
  const order = ['task', 'rules', 'code', 'map', 'search', 'repository'];
  const kinds = response.sections.map((section) => section.kind);
  assert.deepEqual(kinds, [...kinds].sort((left, right) => order.indexOf(left) - order.indexOf(right)), 'sections in order');
  assert.equal(kinds[0], 'task');
  assert.equal(kinds.at(-1), 'repository');
}

describe('context assembly on a real index', () => {
  let fixture: GraphFixture;
  before(async () => {
    fixture = await graphFixture();
  });
  after(() => fixture.dispose());

  const assemble = (budget: number, search: CodeSearch = fixture.search) =>
    assembleContext({ search, task, root: fixture.repo.root, repo: fixture.repo.root, tracked: tracked(fixture.repo.root), budget, signal });

  it('shows the file to change whole, then the map around it, within a large budget', async () => {
    const before = fixture.search.mapRequests.length;
    const { response, text, search } = await assemble(6000);
    checkShape(response, text, 6000);
    assert.equal(search, 'used');
    const code = response.sections.find((section) => section.kind === 'code');
    assert.ok(code?.spans.some((span) => span.path === 'src/router.js' && span.startLine === 1 && span.endLine === 13), 'src/router.js is shown whole');
    assert.match(code?.text ?? '', /### src\/router\.js \(whole file\)\n```\n 1\| export class Router \{/);
    assert.ok(response.files.includes('src/router.js'));
    const request = fixture.search.mapRequests[before];
    assert.ok(request, 'the map was asked for');
    assert.deepEqual(request.focusFiles, response.files, 'personalised by the files in play');
    assert.ok(request.focusSymbols?.includes('parseRoute'), 'and by the identifier the task names');
    assert.equal(request.text, task);
    const map = response.sections.find((section) => section.kind === 'map');
    assert.ok(map, 'a map section');
    const whole = new Set([...(code?.text ?? '').matchAll(/^### (\S+) \(whole file\)$/gm)].map((match) => match[1]));
    assert.ok(whole.size > 0);
    const inCode = new Set(code?.spans.map((span) => span.path));
    for (const span of map.spans) assert.ok(!inCode.has(span.path), `${span.path} is shown in the code section already, not again in the map`);
    assert.ok(map.spans.length > 0);
    assert.match(map.text, /^# Repository map .*\n(\S+\n( {2}\d+\| .+\n?)+)+$/);
    const rules = response.sections.find((section) => section.kind === 'rules');
    assert.ok(rules && rules.tokens <= 6000 / 4, 'rules take at most a quarter');
  });

  it('stays within small budgets: code first, then what fits of the map', async () => {
    for (const budget of [256, 400, 700, 1200]) {
      const { response, text } = await assemble(budget);
      checkShape(response, text, budget);
      assert.equal(response.budget, budget);
    }
    // src/table.js is large: at 1,200 tokens it is never whole, at most a snippet.
    const { response } = await assemble(1200);
    const code = response.sections.find((section) => section.kind === 'code');
    assert.ok(!code?.spans.some((span) => span.path === 'src/table.js' && span.startLine === 1 && span.endLine > 600));
  });

  it('never shows fewer files with a larger budget', async () => {
    const plain: CodeSearch = { search: fixture.search.search };
    let previous = new Set<string>();
    for (const budget of [300, 450, 700, 1000, 1500, 2500, 4000, 8000]) {
      const { response } = await assemble(budget, plain);
      const shown = new Set(response.sections.filter((section) => section.kind === 'code').flatMap((section) => section.spans.map((span) => span.path)));
      for (const path of previous) assert.ok(shown.has(path), `${path} shown at a smaller budget is still shown at ${budget}`);
      previous = shown;
    }
    assert.ok(previous.size >= 5);
  });

  it('assembles without a map when the search has none, and with a search note when there is no index', async () => {
    const plain: CodeSearch = { search: fixture.search.search };
    const withoutMap = await assemble(3000, plain);
    checkShape(withoutMap.response, withoutMap.text, 3000);
    assert.ok(!withoutMap.response.sections.some((section) => section.kind === 'map'));
    assert.ok(withoutMap.response.sections.some((section) => section.kind === 'code'));
    const failing: CodeSearch = { ...noIndexSearch, repoMap: fixture.search.repoMap.bind(fixture.search) };
    const before = fixture.search.mapRequests.length;
    const none = await assemble(3000, failing);
    checkShape(none.response, none.text, 3000);
    assert.equal(none.search, 'unavailable');
    assert.deepEqual(none.response.sections.map((section) => section.kind), ['task', 'rules', 'search', 'repository']);
    assert.match(none.text, /Code search is unavailable for this repository \(the repository has no index yet\)/);
    assert.equal(fixture.search.mapRequests.length, before, 'no map without search');
  });

  it("lays out the index's own repo map around the code, within the budget", async () => {
    const wired = createIndexSearch(fixture.index);
    for (const budget of [900, 3000]) {
      const { response, text } = await assemble(budget, wired);
      checkShape(response, text, budget);
      const code = response.sections.find((section) => section.kind === 'code');
      const map = response.sections.find((section) => section.kind === 'map');
      assert.ok(code && map, `code and a map at ${budget}`);
      const inCode = new Set(code.spans.map((span) => span.path));
      assert.ok(map.spans.length > 0);
      for (const span of map.spans) assert.ok(!inCode.has(span.path), `${span.path} is not repeated in the map`);
      assert.ok(map.spans.every((span) => span.path.startsWith('src/') || span.path.startsWith('test/')));
    }
  });

  it('previews on the repository itself what the agent puts in its first prompt', async () => {
    const preview = await previewContext({ search: fixture.search, repo: fixture.repo.root, task, budget: 5000, signal });
    const direct = await assemble(5000);
    assert.deepEqual(preview, direct.response);
  });
});

describe('the context node uses the same assembly', () => {
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

  it("sends the sections' texts as the first prompt and reports each section's tokens", async () => {
    ollama.setChat([{ toolCalls: [{ name: 'finish', arguments: { summary: 'nothing' } }] }, { toolCalls: [{ name: 'finish', arguments: { summary: 'nothing' } }] }]);
    const earlier = ollama.requestsTo('/api/chat').length;
    const { events } = await runTask(fixture.repo, ollama, { prompt: task }, { search: fixture.search });
    const first = (ollama.requestsTo('/api/chat')[earlier]?.body as ChatRequestBody).messages?.[1]?.content ?? '';
    // The scripted tool model has a 32,768-token context: the agent's budget for it.
    const preview = await previewContext({ search: fixture.search, repo: fixture.repo.root, task, budget: contextBudget(32_768), signal });
    assert.equal(first, preview.sections.map((section) => section.text).join('\n\n'));
    const [gathered] = eventsOf(events, 'context-gather');
    assert.deepEqual(gathered?.sections, preview.sections.map((section) => ({ kind: section.kind, tokens: section.tokens })));
    assert.equal(gathered?.tokens, preview.tokens);
    assert.ok(preview.sections.some((section) => section.kind === 'map'));
  });
});

describe('identifiers a task names', () => {
  it('keeps code-like words and leaves plain words out', () => {
    assert.deepEqual(identifiersIn('Fix parseRoute and `route` in Router.route; call make_str() and run()'), ['parseRoute', 'route', 'Router', 'make_str', 'run']);
    assert.deepEqual(identifiersIn('Make the router keep a trailing slash'), []);
  });
});

describe('the map layout', () => {
  it('never takes more than its limit by its own whole count', () => {
    // Prose-like names beside symbol-heavy signatures: counted line by line they add up to less than the whole.
    const files = Array.from({ length: 30 }, (_, index) => ({
      path: index % 2 === 0 ? `docs/guide number ${index} about the project.md` : `src/${index}.ts`,
      rank: 1 / (index + 1),
      definitions: [{ name: `f${index}`, kind: 'function', line: index + 1, signature: index % 2 === 0 ? 'a plain heading of prose words' : `f${index}<T>(a: T[], b?: {x: number}): Map<T, T[]> => {}` }],
    }));
    for (let limit = 40; limit <= 700; limit += 7) {
      const map = layOutMap(files, limit);
      if (map) assert.ok(map.tokens <= limit && map.tokens === estimateTokens(map.text), `${map.tokens} <= ${limit}`);
    }
  });
});
