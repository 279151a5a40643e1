import type { EdgeColumns } from './edge-columns.js';
import { fileEdgeColumns, fileNodes, type FileNodes } from './file-edges.js';
import type { FileGraph } from './file-graph.js';
import { pageRank } from './pagerank.js';

/**
 * What the symbol graph tells ranking about a repository's files: how central each
 * is (unpersonalised PageRank on a log scale, the most central file 1, an average one
 * about 0.1-0.3) and which files each is most tied to (what it imports or uses, what
 * imports or uses it).
 */
export interface GraphSignals {
  centrality: ReadonlyMap<string, number>;
  neighbours: ReadonlyMap<string, readonly string[]>;
}

/** A repository's graph, analysed once per index version: its nodes (what every map starts from) and the signals ranking reads. */
export interface RepoGraph {
  nodes: FileNodes;
  /** Unpersonalised PageRank per node. */
  ranks: Float64Array;
  signals: GraphSignals;
}

/** The most neighbours kept per file: the strongest ties, so a file using a name defined everywhere does not neighbour everything. */
export const MAX_NEIGHBOURS = 8;

/** Centrality on a log scale relative to the uniform rank: 1 for the most central file, 0 for one nobody points at beyond the teleport. */
function centralities(paths: readonly string[], ranks: Float64Array): Map<string, number> {
  const count = paths.length;
  const scale = (rank: number): number => Math.log1p(Math.max(0, rank * count - (1 - 0.85)));
  const most = ranks.reduce((best, rank) => Math.max(best, scale(rank)), 0);
  return new Map(paths.map((path, node) => [path, most > 0 ? scale(ranks[node]!) / most : 0]));
}

/**
 * Each file's strongest ties, both directions, by total edge weight (ties by path). A
 * file's incident edges are visited in the edges' order, so each tie sums in the same
 * order as a pass over all edges would; only one file's ties are in memory at a time.
 */
function neighboursOf(paths: readonly string[], edges: EdgeColumns): Map<string, string[]> {
  const count = paths.length;
  // Incident edges per node (a counting sort, stable: each node's list keeps the edges' order).
  const offsets = new Uint32Array(count + 1);
  for (let edge = 0; edge < edges.length; edge++) {
    offsets[edges.from[edge]! + 1]! += 1;
    offsets[edges.to[edge]! + 1]! += 1;
  }
  for (let node = 0; node < count; node++) offsets[node + 1]! += offsets[node]!;
  const fill = offsets.slice(0, count);
  const incident = new Uint32Array(offsets[count]!);
  for (let edge = 0; edge < edges.length; edge++) {
    incident[fill[edges.from[edge]!]!++] = edge;
    incident[fill[edges.to[edge]!]!++] = edge;
  }
  const neighbours = new Map<string, string[]>();
  for (let node = 0; node < count; node++) {
    const weights = new Map<number, number>();
    for (let position = offsets[node]!; position < offsets[node + 1]!; position++) {
      const edge = incident[position]!;
      const other = edges.from[edge] === node ? edges.to[edge]! : edges.from[edge]!;
      weights.set(other, (weights.get(other) ?? 0) + edges.weight[edge]!);
    }
    if (weights.size === 0) continue;
    const strongest = [...weights].sort(([a, left], [b, right]) => right - left || a - b).slice(0, MAX_NEIGHBOURS);
    neighbours.set(paths[node]!, strongest.map(([other]) => paths[other]!));
  }
  return neighbours;
}

/** Analyses a repository's file graphs: nodes, unpersonalised PageRank, centrality and neighbours. Pure; callers cache it per index version. */
export function analyseGraph(graphs: readonly FileGraph[]): RepoGraph {
  const nodes = fileNodes(graphs);
  const edges = fileEdgeColumns(nodes);
  const { ranks } = pageRank(nodes.paths.length, edges);
  return { nodes, ranks, signals: { centrality: centralities(nodes.paths, ranks), neighbours: neighboursOf(nodes.paths, edges) } };
}

const analysed = new WeakMap<readonly FileGraph[], RepoGraph>();

/**
 * `analyseGraph`, kept per graphs array: `RepositoryIndex.fileGraphs()` returns the same
 * array while the index's tables keep their version, so the PageRank runs once a version.
 */
export function analysedGraph(graphs: readonly FileGraph[]): RepoGraph {
  let graph = analysed.get(graphs);
  if (!graph) analysed.set(graphs, (graph = analyseGraph(graphs)));
  return graph;
}
