import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTokens } from '../../../indexer/chunk/tokens.js';
import type { FileGraph } from '../../../indexer/graph/file-graph.js';
import { mentionedFiles, mentionedNames } from '../../../indexer/graph/mentions.js';
import { buildRepoMap, largestFitting } from '../../../indexer/graph/repo-map.js';
import { randomRepository, seededRandom, shuffled } from './graph-helpers.js';

/** A small web framework: a server that routes requests to handlers that build replies. */
const framework: FileGraph[] = [
  {
    path: 'lib/reply.js',
    language: 'javascript',
    definitions: [
      { name: 'Reply', kind: 'class', startLine: 3, endLine: 60, signature: 'class Reply {' },
      { name: 'send', kind: 'method', startLine: 10, endLine: 20, signature: '  send (payload) {' },
      { name: 'hijack', kind: 'method', startLine: 22, endLine: 25, signature: 'hijack () {' },
      { name: '_serialize', kind: 'method', startLine: 27, endLine: 40, signature: '_serialize (payload) {' },
    ],
    references: [{ name: 'serialize', line: 30 }],
    imports: ['lib/serialize.js'],
  },
  {
    path: 'lib/serialize.js',
    language: 'javascript',
    definitions: [{ name: 'serialize', kind: 'function', startLine: 1, endLine: 9, signature: 'function serialize (value, schema) {' }],
    references: [],
    imports: [],
  },
  {
    path: 'lib/route.js',
    language: 'javascript',
    definitions: [{ name: 'route', kind: 'function', startLine: 5, endLine: 30, signature: 'function route (options) {' }],
    references: [{ name: 'Reply', line: 12 }, { name: 'send', line: 20 }, { name: 'send', line: 25 }],
    imports: ['lib/reply.js'],
  },
  {
    path: 'fastify.js',
    language: 'javascript',
    definitions: [{ name: 'fastify', kind: 'function', startLine: 40, endLine: 400, signature: 'function fastify (options) {' }],
    references: [{ name: 'route', line: 50 }, { name: 'Reply', line: 60 }, { name: 'hijack', line: 70 }],
    imports: ['lib/route.js', 'lib/reply.js'],
  },
  {
    path: 'test/reply.test.js',
    language: 'javascript',
    definitions: [],
    references: [{ name: 'send', line: 4 }, { name: 'fastify', line: 2 }],
    imports: ['fastify.js'],
  },
];

const rowsOf = (text: string): string[] => text.split('\n');

describe('buildRepoMap', () => {
  it('renders an outline of the top files with their key signatures, nested and elided', () => {
    const map = buildRepoMap(framework, { budgetTokens: 4096 });
    // serialize.js is where the reply's whole rank flows, the reply where the rest of the framework's does.
    assert.deepEqual(
      map.files.map(({ path }) => path),
      ['lib/serialize.js', 'lib/reply.js', 'fastify.js', 'lib/route.js', 'test/reply.test.js'],
    );
    assert.deepEqual(rowsOf(map.text).slice(0, 11), [
      'lib/serialize.js:',
      '  1│ function serialize (value, schema) {',
      'lib/reply.js:',
      '⋮',
      '   3│ class Reply {',
      '⋮',
      '  10│   send (payload) {',
      '⋮',
      '  22│   hijack () {',
      '⋮',
      '  27│   _serialize (payload) {',
    ]);
    assert.equal(rowsOf(map.text).at(-1), 'test/reply.test.js:', 'a file that defines nothing is listed by name');
    assert.equal(map.tokens, estimateTokens(map.text));
    assert.deepEqual(map.files[1]?.definitions.map(({ name, line }) => `${name}@${line}`), ['Reply@3', 'send@10', 'hijack@22', '_serialize@27']);
  });

  it('keeps to the budget, dropping the least ranked definitions first', () => {
    const full = buildRepoMap(framework, { budgetTokens: 4096 });
    const small = buildRepoMap(framework, { budgetTokens: 64 });
    assert.ok(small.tokens <= 64 && small.tokens > 0);
    assert.ok(small.tokens < full.tokens);
    assert.ok(small.text.includes('class Reply'), 'the most referenced definition stays');
  });

  it('never exceeds the budget and grows with it, on random repositories', () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 12; trial++) {
      const graphs = randomRepository(random, 5 + Math.floor(random() * 80), 10 + Math.floor(random() * 60));
      let previous = -1;
      for (const budgetTokens of [64, 100, 256, 1000, 4096]) {
        const map = buildRepoMap(graphs, { budgetTokens, focusSymbols: ['name1'] });
        assert.ok(map.tokens <= budgetTokens, `trial ${trial}: ${map.tokens} tokens for a budget of ${budgetTokens}`);
        assert.equal(map.tokens, estimateTokens(map.text));
        assert.ok(map.tokens >= previous, 'a larger budget never shows less');
        previous = map.tokens;
      }
    }
  });

  it('uses most of the budget when the repository has more to show', () => {
    const graphs = randomRepository(seededRandom(9), 200, 120);
    for (const budgetTokens of [256, 1024, 2048]) {
      const map = buildRepoMap(graphs, { budgetTokens });
      assert.ok(map.tokens > budgetTokens * 0.8, `${map.tokens} of ${budgetTokens}`);
    }
  });

  it('is deterministic, whatever the order of its input', () => {
    const graphs = randomRepository(seededRandom(5), 60, 40);
    const request = { budgetTokens: 800, text: 'make name3 faster', focusFiles: ['src/http/file4.ts'] };
    const first = buildRepoMap(graphs, request);
    assert.deepEqual(buildRepoMap(shuffled(seededRandom(6), graphs), request), first);
    assert.deepEqual(buildRepoMap(graphs, request), first);
  });

  it('puts focus files first and shows the focus symbols’ definitions in their best files', () => {
    const graphs = randomRepository(seededRandom(13), 120, 80);
    const definer = graphs.find((graph) => graph.definitions.some(({ name }) => name.startsWith('name')))!;
    const symbol = definer.definitions.find(({ name }) => name.startsWith('name'))!.name;
    const map = buildRepoMap(graphs, { budgetTokens: 256, focusFiles: ['src/util/file2.ts'], focusSymbols: [symbol] });
    assert.equal(map.files[0]?.path, 'src/util/file2.ts');
    const definers = graphs.filter(({ definitions }) => definitions.some(({ name }) => name === symbol)).length;
    const showing = map.files.filter(({ definitions }) => definitions.some(({ name }) => name === symbol)).length;
    assert.ok(definers > 3, 'the symbol is defined in many files');
    assert.equal(showing, 3, `${symbol} shown in its three best files of ${definers}`);
  });

  it('shows one of a file’s many same-named definitions, and keeps test helpers from gathering rank', () => {
    const accessors = Array.from({ length: 12 }, (_, index) => ({ name: 'get', kind: 'method', startLine: 20 + index * 5, endLine: 22 + index * 5, signature: 'get ()' }));
    const request: FileGraph = { path: 'lib/request.js', language: 'javascript', definitions: [{ name: 'Request', kind: 'function', startLine: 1, endLine: 10, signature: 'function Request (id)' }, ...accessors], references: [], imports: [] };
    const tests = Array.from({ length: 6 }, (_, index): FileGraph => ({ path: `test/t${index}.test.js`, language: 'javascript', definitions: [], references: [{ name: 'test', line: 1 }, { name: 'get', line: 2 }], imports: ['test/helper.js'] }));
    const helper: FileGraph = { path: 'test/helper.js', language: 'javascript', definitions: [{ name: 'test', kind: 'function', startLine: 1, endLine: 3, signature: 'function test (name, fn)' }], references: [], imports: [] };
    const server: FileGraph = { path: 'lib/server.js', language: 'javascript', definitions: [], references: [{ name: 'Request', line: 3 }, { name: 'get', line: 4 }], imports: ['lib/request.js'] };
    const graphs = [request, helper, server, ...tests];
    const map = buildRepoMap(graphs, { budgetTokens: 64 });
    assert.equal(map.files[0]?.path, 'lib/request.js');
    assert.equal(map.text.split('get ()').length - 1, 1, map.text);
    const asked = buildRepoMap(graphs, { budgetTokens: 4096, text: 'the test helper' });
    const plain = buildRepoMap(graphs, { budgetTokens: 4096 });
    const rankOf = (of: typeof map, path: string): number => of.files.find((file) => file.path === path)?.rank ?? 0;
    assert.ok(rankOf(plain, 'test/helper.js') < rankOf(plain, 'lib/request.js'), 'six test files using a helper do not outrank the source');
    assert.ok(rankOf(asked, 'test/helper.js') > rankOf(asked, 'lib/request.js'), 'unless the task asks for tests');
  });

  it('follows the identifiers and file names a task mentions', () => {
    const plain = buildRepoMap(framework, { budgetTokens: 64 });
    assert.ok(!plain.text.includes('function route'), 'route is not among the top of a small map by itself');
    const asked = buildRepoMap(framework, { budgetTokens: 64, text: 'the route options lose their schema' });
    assert.ok(asked.text.includes('function route'));
    const named = buildRepoMap(framework, { budgetTokens: 64, text: 'speed up serialize.js for large payloads' });
    assert.equal(named.files[0]?.path, 'lib/serialize.js');
  });

  it('leaves out files the caller already shows, which still personalise the ranking', () => {
    const map = buildRepoMap(framework, { budgetTokens: 4096, focusFiles: ['lib/route.js'], exclude: ['lib/route.js', 'fastify.js'] });
    assert.deepEqual(map.files.map(({ path }) => path).sort(), ['lib/reply.js', 'lib/serialize.js', 'test/reply.test.js']);
    assert.equal(map.files[0]?.path, 'lib/reply.js', 'route.js in focus lifts the reply it uses above serialize.js');
  });

  it('answers an empty repository, and a budget too small for anything, with an empty map', () => {
    assert.deepEqual(buildRepoMap([], { budgetTokens: 100 }), { text: '', tokens: 0, files: [] });
    const long = [{ ...framework[1]!, path: `${'very/'.repeat(40)}long.js` }];
    assert.deepEqual(buildRepoMap(long, { budgetTokens: 64 }), { text: '', tokens: 0, files: [] });
  });
});

describe('mentions', () => {
  const defined = new Set(['hijackReply', 'max_age', 'Reply', 'hijack', 'error', 'test', 'get', 'URLParser', 'v2']);
  it('takes identifier-shaped words and uncommon defined words, not everyday English', () => {
    assert.deepEqual(mentionedNames('Reply.hijack should not error when max_age is unset; see hijackReply and URLParser (test v2, get)', (name) => defined.has(name)), ['Reply', 'hijack', 'max_age', 'hijackReply', 'URLParser', 'v2']);
    assert.deepEqual(mentionedNames('reply to the user', (name) => defined.has(name)), [], 'exact case only');
  });

  it('finds file names by whole path or an unambiguous tail', () => {
    const paths = ['lib/reply.js', 'lib/route.js', 'test/route.js', 'src/index.ts', 'index.ts'];
    assert.deepEqual(mentionedFiles('fix lib/reply.js, then route.js and ./index.ts.', paths), ['index.ts', 'lib/reply.js']);
    assert.deepEqual(mentionedFiles('in test/route.js', paths), ['test/route.js']);
    assert.deepEqual(mentionedFiles('no files here', paths), []);
  });
});

describe('largestFitting', () => {
  it('finds the last count that fits, probing little for small answers', () => {
    for (const [total, limit] of [[0, 0], [10, 0], [10, 10], [1000, 37], [1000, 999], [100000, 64], [100000, 65]] as const) {
      const probes: number[] = [];
      const found = largestFitting(total, (count) => (probes.push(count), count <= limit));
      assert.equal(found, Math.min(total, limit), `${total}/${limit}`);
      assert.ok(probes.length <= 2 * Math.ceil(Math.log2(Math.max(2, limit + 1))) + 8, `${probes.length} probes for ${limit}`);
    }
  });
});
