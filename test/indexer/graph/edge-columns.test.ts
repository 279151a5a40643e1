// The graph analysis on edge columns (what large repositories are analysed with) gives
// exactly what the edge objects give: the same ranks and the same neighbours, bit for bit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EdgeColumnsBuilder, edgeColumns } from '../../../indexer/graph/edge-columns.js';
import { buildFileEdges, fileEdgeColumns, fileNodes, type FileEdges } from '../../../indexer/graph/file-edges.js';
import { pageRank, type WeightedEdge } from '../../../indexer/graph/pagerank.js';
import { analyseGraph, MAX_NEIGHBOURS } from '../../../indexer/graph/repo-graph.js';
import { randomEdges, randomRepository, seededRandom } from './graph-helpers.js';

const asObjects = (columns: ReturnType<typeof edgeColumns>): WeightedEdge[] => Array.from({ length: columns.length }, (_, edge) => ({ from: columns.from[edge]!, to: columns.to[edge]!, weight: columns.weight[edge]! }));

/** Neighbours the plain way: one pass over every edge, both directions summed into one map per file. */
function referenceNeighbours(edges: FileEdges): Map<string, string[]> {
  const ties = edges.paths.map(() => new Map<number, number>());
  for (const { from, to, weight } of [...edges.named, ...edges.imports]) {
    ties[from]!.set(to, (ties[from]!.get(to) ?? 0) + weight);
    ties[to]!.set(from, (ties[to]!.get(from) ?? 0) + weight);
  }
  const neighbours = new Map<string, string[]>();
  ties.forEach((weights, node) => {
    if (weights.size === 0) return;
    const strongest = [...weights].sort(([a, left], [b, right]) => right - left || a - b).slice(0, MAX_NEIGHBOURS);
    neighbours.set(edges.paths[node]!, strongest.map(([other]) => edges.paths[other]!));
  });
  return neighbours;
}

describe('edge columns', () => {
  it('hold the edges pushed, in order, across growth and a concatenation', () => {
    const random = seededRandom(3);
    const first = randomEdges(random, 50, 3000);
    const second = randomEdges(random, 50, 700);
    const builder = new EdgeColumnsBuilder(1);
    for (const { from, to, weight } of first) builder.push(from, to, weight);
    const tail = new EdgeColumnsBuilder();
    for (const { from, to, weight } of second) tail.push(from, to, weight);
    assert.deepEqual(asObjects(builder.concat(tail)), [...first, ...second]);
    assert.deepEqual(asObjects(edgeColumns(first)), first);
    assert.throws(() => new EdgeColumnsBuilder().push(-1, 0, 1), RangeError);
  });

  it('are the file edges in the objects order, and the analysis on them equals the one on objects exactly', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 12; round++) {
      const graphs = randomRepository(random, 10 + Math.floor(random() * 150), 5 + Math.floor(random() * 60));
      const nodes = fileNodes(graphs);
      const objects = buildFileEdges(nodes, new Set());
      const all = [...objects.named, ...objects.imports].map(({ from, to, weight }) => ({ from, to, weight }));
      assert.deepEqual(asObjects(fileEdgeColumns(nodes)), all);
      const analysed = analyseGraph(graphs);
      assert.deepEqual(Array.from(analysed.ranks), Array.from(pageRank(nodes.paths.length, all).ranks));
      assert.deepEqual(analysed.signals.neighbours, referenceNeighbours(objects));
    }
  });
});
