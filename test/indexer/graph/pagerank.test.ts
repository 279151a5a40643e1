import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EDGE_WEIGHTS, buildFileEdges, fileNodes, nameFactor, rankDefinitions } from '../../../indexer/graph/file-edges.js';
import type { FileGraph } from '../../../indexer/graph/file-graph.js';
import { pageRank, type WeightedEdge } from '../../../indexer/graph/pagerank.js';
import { randomEdges, seededRandom, shuffled } from './graph-helpers.js';

const sum = (values: ArrayLike<number>): number => Array.from(values).reduce((total, value) => total + value, 0);

/** The PageRank fixed point, written out: what one more step from `ranks` gives. */
function step(nodeCount: number, edges: readonly WeightedEdge[], ranks: ArrayLike<number>, teleport: number[], damping = 0.85): number[] {
  const out = new Array<number>(nodeCount).fill(0);
  for (const edge of edges) if (edge.from !== edge.to) out[edge.from]! += edge.weight;
  const next = teleport.map((share) => share * (1 - damping));
  for (let node = 0; node < nodeCount; node++) {
    if (out[node] === 0) teleport.forEach((share, to) => (next[to]! += damping * ranks[node]! * share));
  }
  for (const edge of edges) if (edge.from !== edge.to) next[edge.to]! += (damping * ranks[edge.from]! * edge.weight) / out[edge.from]!;
  return next;
}

describe('pageRank', () => {
  it('converges to a distribution that is its own fixed point, on random graphs', () => {
    const random = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const nodeCount = 1 + Math.floor(random() * 30);
      const edges = randomEdges(random, nodeCount, Math.floor(random() * nodeCount * 3));
      const { ranks, converged, iterations } = pageRank(nodeCount, edges, { tolerance: 1e-12, maxIterations: 500 });
      assert.ok(converged && iterations < 500, `trial ${trial} converged`);
      assert.ok(Math.abs(sum(ranks) - 1) < 1e-9, `trial ${trial} sums to 1`);
      const again = step(nodeCount, edges, ranks, new Array<number>(nodeCount).fill(1 / nodeCount));
      again.forEach((value, node) => assert.ok(Math.abs(value - ranks[node]!) < 1e-9, `trial ${trial} node ${node} is a fixed point`));
    }
  });

  it('stops at maxIterations and says it did not converge', () => {
    const { converged, iterations } = pageRank(3, [{ from: 0, to: 1, weight: 1 }, { from: 1, to: 2, weight: 1 }], { tolerance: 0, maxIterations: 3 });
    assert.equal(converged, false);
    assert.equal(iterations, 3);
  });

  it('sends a dangling node’s mass through the personalisation', () => {
    // 0 -> 1, node 1 dangling, all teleport mass on 0: r1 = d r0 and r0 + r1 = 1.
    const { ranks } = pageRank(2, [{ from: 0, to: 1, weight: 1 }], { personalization: [1, 0], tolerance: 1e-14, maxIterations: 1000 });
    assert.ok(Math.abs(ranks[0]! - 1 / 1.85) < 1e-9);
    assert.ok(Math.abs(ranks[1]! - 0.85 / 1.85) < 1e-9);
    const isolated = pageRank(4, []);
    assert.deepEqual(Array.from(isolated.ranks), [0.25, 0.25, 0.25, 0.25], 'no edges at all: uniform');
  });

  it('moves rank toward the personalised nodes', () => {
    const edges = randomEdges(seededRandom(3), 12, 30);
    const plain = pageRank(12, edges).ranks;
    const weights = new Array<number>(12).fill(0);
    weights[5] = 1;
    const focused = pageRank(12, edges, { personalization: weights }).ranks;
    assert.ok(focused[5]! > plain[5]! * 2, `${focused[5]} vs ${plain[5]}`);
    assert.ok(Math.abs(sum(focused) - 1) < 1e-6);
  });

  it('ignores self-edges, sums parallel edges and does not depend on edge order', () => {
    const loops = pageRank(3, [{ from: 1, to: 1, weight: 5 }]).ranks;
    assert.deepEqual(Array.from(loops), Array.from(pageRank(3, []).ranks));
    const parallel = pageRank(3, [{ from: 0, to: 1, weight: 1 }, { from: 0, to: 1, weight: 1 }, { from: 0, to: 2, weight: 2 }]).ranks;
    assert.ok(Math.abs(parallel[1]! - parallel[2]!) < 1e-12);
    const edges = randomEdges(seededRandom(11), 20, 60);
    assert.deepEqual(Array.from(pageRank(20, shuffled(seededRandom(5), edges)).ranks), Array.from(pageRank(20, edges).ranks), 'bit for bit');
  });

  it('refuses edges outside the graph and a personalisation of the wrong length', () => {
    assert.throws(() => pageRank(2, [{ from: 0, to: 2, weight: 1 }]), RangeError);
    assert.throws(() => pageRank(2, [], { personalization: [1] }), RangeError);
  });
});

const file = (path: string, defines: string[], uses: string[], imports: string[] = []): FileGraph => ({
  path,
  language: 'typescript',
  definitions: defines.map((name, index) => ({ name, kind: 'function', startLine: index * 10 + 1, endLine: index * 10 + 5, signature: `function ${name}()` })),
  references: uses.map((name, index) => ({ name, line: index + 1 })),
  imports,
});

describe('file edges', () => {
  it('weighs names as Aider does: focus x10, private and widely defined x0.1', () => {
    assert.equal(nameFactor('hijack', 1, false), 1);
    assert.equal(nameFactor('hijack', 1, true), 10);
    assert.equal(nameFactor('_hijack', 1, false), 0.1);
    assert.ok(Math.abs(nameFactor('get', DEFAULT_EDGE_WEIGHTS.commonDefiners + 1, false) - 0.1) < 1e-12);
    assert.equal(nameFactor('get', DEFAULT_EDGE_WEIGHTS.commonDefiners, false), 1);
  });

  it('points from users to definers with sqrt(count) weights, skipping self-references and unknown names', () => {
    const edges = buildFileEdges(fileNodes([file('b.ts', ['send'], ['send']), file('a.ts', [], ['send', 'send', 'send', 'send', 'console']), file('c.ts', [], [], ['b.ts', 'a.ts', 'missing.ts'])]), new Set());
    assert.deepEqual(edges.paths, ['a.ts', 'b.ts', 'c.ts']);
    assert.deepEqual(edges.named, [{ from: 0, to: 1, weight: 2, name: 'send' }]);
    assert.deepEqual(edges.imports, [{ from: 2, to: 1, weight: DEFAULT_EDGE_WEIGHTS.importWeight }, { from: 2, to: 0, weight: DEFAULT_EDGE_WEIGHTS.importWeight }]);
  });

  it('lets a focus symbol pull rank to its definer, and a private name push it away', () => {
    const graphs = [file('main.ts', [], ['parse', 'render']), file('parse.ts', ['parse'], []), file('render.ts', ['render'], [])];
    const rankOf = (focus: string[], list = graphs): Record<string, number> => {
      const edges = buildFileEdges(fileNodes(list), new Set(focus));
      const { ranks } = pageRank(edges.paths.length, [...edges.named, ...edges.imports]);
      return Object.fromEntries(edges.paths.map((path, node) => [path, ranks[node]!]));
    };
    const plain = rankOf([]);
    assert.ok(Math.abs(plain['parse.ts']! - plain['render.ts']!) < 1e-12, 'symmetric without focus');
    const focused = rankOf(['render']);
    assert.ok(focused['render.ts']! > focused['parse.ts']! * 1.5, 'ten times the weight on the edge to render.ts');
    const privateGraphs = [file('main.ts', [], ['_parse', 'render']), file('parse.ts', ['_parse'], []), file('render.ts', ['render'], [])];
    const privateRanks = rankOf([], privateGraphs);
    assert.deepEqual(privateRanks, focused, 'a private name weighs a tenth, as the other weighing ten times');
  });

  it('spreads a file’s rank over the definitions it references', () => {
    const edges = buildFileEdges(fileNodes([file('main.ts', [], ['parse', 'parse', 'parse', 'parse', 'render']), file('lib.ts', ['parse', 'render'], [])]), new Set());
    const ranked = rankDefinitions(edges, [0.25, 0.75]);
    const lib = ranked.get(edges.indexOf.get('lib.ts')!)!;
    assert.ok(Math.abs(lib.get('parse')! - (0.75 * 2) / 3) < 1e-12, 'sqrt(4) of 3 weight units');
    assert.ok(Math.abs(lib.get('render')! - 0.75 / 3) < 1e-12);
  });
});
