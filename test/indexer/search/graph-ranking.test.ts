import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileGraph } from '../../../indexer/graph/file-graph.js';
import { MAX_NEIGHBOURS, analyseGraph, type GraphSignals } from '../../../indexer/graph/repo-graph.js';
import { applyGraphFactors, definitionWords, ownName, type GraphCandidate, type GraphFactors } from '../../../indexer/search/graph-ranking.js';
import { defaultRanking } from '../../../indexer/search/search.js';

const neutral: GraphFactors = { definitionFactor: 1, centralityWeight: 0, neighbourFactor: 1, neighbourTop: 3 };
const hit = (path: string, qualifiedName: string, score: number, kind = 'function'): { hit: GraphCandidate; score: number } => ({ hit: { path, qualified_name: qualifiedName, kind }, score });
const order = (ranked: readonly { hit: GraphCandidate }[]): string[] => ranked.map(({ hit: { path, qualified_name } }) => `${path}#${qualified_name}`);

const graph = (path: string, defines: string[], uses: string[], imports: string[] = []): FileGraph => ({
  path,
  language: 'javascript',
  definitions: defines.map((name, index) => ({ name, kind: 'function', startLine: index + 1, endLine: index + 1, signature: `function ${name} ()` })),
  references: uses.map((name, index) => ({ name, line: index + 1 })),
  imports,
});

describe('graph ranking factors', () => {
  it('are neutral by default but the centrality prior (the one that held on both dev sets)', () => {
    assert.deepEqual({ ...defaultRanking, centralityWeight: 0 }, { ...defaultRanking, ...neutral });
    assert.ok(defaultRanking.centralityWeight > 0 && defaultRanking.centralityWeight <= 0.2, 'mild');
    const ranked = [hit('a.js', 'hijack', 3), hit('b.js', 'send', 2)];
    const signals: GraphSignals = { centrality: new Map([['b.js', 1]]), neighbours: new Map([['a.js', ['b.js']]]) };
    assert.deepEqual(applyGraphFactors('hijack', ranked, signals, { ...defaultRanking, neighbourFactor: 1, centralityWeight: 0 }), ranked);
  });

  it('lift a chunk whose own name the query says, in any case, unless everyday English', () => {
    assert.equal(ownName('Reply.hijack'), 'hijack');
    assert.equal(ownName('Ledger::settle'), 'settle');
    assert.equal(ownName('Foo#bar'), 'bar');
    const words = definitionWords('Make Reply.hijack idempotent; test the Error path');
    assert.ok(words.exact.has('hijack') && words.exact.has('Reply') && !words.exact.has('Error'));
    assert.ok(words.folded.has('reply') && !words.folded.has('error') && !words.folded.has('test'));
    const ranked = [hit('lib/route.js', 'route', 1.0), hit('lib/reply.js', 'Reply.hijack', 0.8), hit('lib/error.js', 'error', 0.9), hit('lib/reply.js', 'module', 0.85, 'module')];
    const lifted = applyGraphFactors('make hijack safe on error', ranked, undefined, { ...neutral, definitionFactor: 1.5 });
    assert.deepEqual(order(lifted), ['lib/reply.js#Reply.hijack', 'lib/route.js#route', 'lib/error.js#error', 'lib/reply.js#module'], 'names lifted, everyday words and module chunks never');
    assert.deepEqual(order(applyGraphFactors('make HIJACK safe', ranked, undefined, { ...neutral, definitionFactor: 1.5 }))[0], 'lib/reply.js#Reply.hijack');
  });

  it('apply a centrality prior and lift neighbours of the top files only with a graph', () => {
    const signals: GraphSignals = { centrality: new Map([['core.js', 1], ['leaf.js', 0]]), neighbours: new Map([['top.js', ['near.js', 'top.js']]]) };
    const ranked = [hit('leaf.js', 'a', 1.0), hit('core.js', 'b', 0.9)];
    assert.deepEqual(order(applyGraphFactors('q', ranked, signals, { ...neutral, centralityWeight: 0.2 })), ['core.js#b', 'leaf.js#a']);
    assert.deepEqual(order(applyGraphFactors('q', ranked, undefined, { ...neutral, centralityWeight: 0.2 })), ['leaf.js#a', 'core.js#b'], 'no graph, no prior');
    const withNeighbour = [hit('top.js', 'x', 1.0), hit('far.js', 'y', 0.8), hit('near.js', 'z', 0.75)];
    assert.deepEqual(order(applyGraphFactors('q', withNeighbour, signals, { ...neutral, neighbourFactor: 1.1, neighbourTop: 1 })), ['top.js#x', 'near.js#z', 'far.js#y']);
    const negative = applyGraphFactors('q', [hit('core.js', 'b', -0.5)], signals, { ...neutral, centralityWeight: 1 });
    assert.equal(negative[0]?.score, -0.25, 'a negative score is divided: lifted, never lowered');
  });
});

describe('analyseGraph', () => {
  it('ranks the file everyone uses most central and ties files to what they use and what uses them', () => {
    const graphs = [graph('core.js', ['core'], []), graph('a.js', ['a'], ['core']), graph('b.js', ['b'], ['core', 'a']), graph('c.js', [], ['core'], ['b.js'])];
    const { signals, nodes } = analyseGraph(graphs);
    assert.deepEqual(nodes.paths, ['a.js', 'b.js', 'c.js', 'core.js']);
    assert.equal(signals.centrality.get('core.js'), 1);
    assert.ok(signals.centrality.get('c.js')! < signals.centrality.get('a.js')!, 'nothing points at c.js');
    assert.deepEqual(signals.neighbours.get('core.js'), ['a.js', 'b.js', 'c.js']);
    assert.deepEqual(signals.neighbours.get('c.js'), ['core.js', 'b.js'], 'a reference weighs more than an import');
  });

  it('keeps only the strongest ties of a file used everywhere', () => {
    const users = Array.from({ length: 20 }, (_, index) => graph(`user${String(index).padStart(2, '0')}.js`, [], index < 3 ? ['util', 'util', 'util', 'util'] : ['util']));
    const { signals } = analyseGraph([graph('util.js', ['util'], []), ...users]);
    assert.equal(signals.neighbours.get('util.js')?.length, MAX_NEIGHBOURS);
    assert.deepEqual(signals.neighbours.get('util.js')?.slice(0, 3), ['user00.js', 'user01.js', 'user02.js']);
  });
});
