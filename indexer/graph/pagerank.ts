import { edgeColumns, type EdgeColumns } from './edge-columns.js';

/** One weighted edge of a directed graph whose nodes are numbered `0..nodeCount-1`. */
export interface WeightedEdge {
  from: number;
  to: number;
  weight: number;
}

/** How a PageRank run walks: the damping, when it stops, where it teleports to. */
export interface PageRankOptions {
  /** The probability of following an edge rather than teleporting (0.85, as in the paper and networkx). */
  damping?: number;
  /** The run stops once an iteration moves the rank vector by less than this (L1). */
  tolerance?: number;
  /** The run stops after this many iterations even if it has not converged. */
  maxIterations?: number;
  /**
   * Teleport weights per node (any non-negative scale; normalised here). Missing, or all
   * zero, means uniform: plain PageRank.
   */
  personalization?: ArrayLike<number>;
}

/** The stationary ranks (summing to 1), and how the power iteration ended. */
export interface PageRankResult {
  ranks: Float64Array;
  iterations: number;
  converged: boolean;
}

/** The defaults of `pageRank`; `tolerance` 1e-6 bounds the L1 error near 1e-5 at damping 0.85. */
export const PAGERANK_DEFAULTS = { damping: 0.85, tolerance: 1e-6, maxIterations: 100 } as const;

/** Out-edges in compressed rows, each weight divided by its source's total out-weight. */
interface TransitionRows {
  offsets: Uint32Array;
  targets: Uint32Array;
  shares: Float64Array;
  dangling: Uint8Array;
}

/** Parallel edges add up; self-edges and edges of no positive weight are dropped (a file citing itself says nothing of its importance). */
function transitionRows(nodeCount: number, edges: EdgeColumns): TransitionRows {
  // Bucket the edges by source (a counting sort), then merge each row's repeats.
  const counts = new Uint32Array(nodeCount + 1);
  const { from: sources, to: destinations, weight: weights } = edges;
  for (let edge = 0; edge < edges.length; edge++) {
    const from = sources[edge]!;
    const to = destinations[edge]!;
    if (!(from < nodeCount && to < nodeCount)) throw new RangeError(`edge ${from}->${to} outside 0..${nodeCount - 1}`);
    if (from !== to && weights[edge]! > 0) counts[from + 1]! += 1;
  }
  for (let node = 0; node < nodeCount; node++) counts[node + 1]! += counts[node]!;
  const fill = counts.slice(0, nodeCount);
  const bucketTargets = new Uint32Array(counts[nodeCount]!);
  const bucketWeights = new Float64Array(counts[nodeCount]!);
  for (let edge = 0; edge < edges.length; edge++) {
    const from = sources[edge]!;
    if (from === destinations[edge]! || !(weights[edge]! > 0)) continue;
    const position = fill[from]!++;
    bucketTargets[position] = destinations[edge]!;
    bucketWeights[position] = weights[edge]!;
  }
  const offsets = new Uint32Array(nodeCount + 1);
  const targets = new Uint32Array(bucketTargets.length);
  const shares = new Float64Array(bucketTargets.length);
  const dangling = new Uint8Array(nodeCount);
  let written = 0;
  for (let node = 0; node < nodeCount; node++) {
    // Targets in ascending order, each once: the sums below then run in one order, whatever the input's.
    const row = new Map<number, number>();
    for (let position = counts[node]!; position < counts[node + 1]!; position++) row.set(bucketTargets[position]!, (row.get(bucketTargets[position]!) ?? 0) + bucketWeights[position]!);
    const rowTargets = [...row.keys()].sort((a, b) => a - b);
    let outWeight = 0;
    for (const target of rowTargets) outWeight += row.get(target)!;
    for (const target of rowTargets) {
      targets[written] = target;
      shares[written++] = row.get(target)! / outWeight;
    }
    offsets[node + 1] = written;
    if (rowTargets.length === 0) dangling[node] = 1;
  }
  return { offsets, targets: targets.subarray(0, written), shares: shares.subarray(0, written), dangling };
}

/** The teleport distribution: the given weights normalised, or uniform when none are positive. */
function teleportVector(nodeCount: number, personalization: ArrayLike<number> | undefined): Float64Array {
  const teleport = new Float64Array(nodeCount);
  let total = 0;
  if (personalization) {
    if (personalization.length !== nodeCount) throw new RangeError(`personalization has ${personalization.length} entries for ${nodeCount} nodes`);
    for (let node = 0; node < nodeCount; node++) {
      const weight = personalization[node]!;
      if (weight > 0 && Number.isFinite(weight)) total += teleport[node] = weight;
    }
  }
  if (total === 0) return teleport.fill(1 / nodeCount);
  for (let node = 0; node < nodeCount; node++) teleport[node]! /= total;
  return teleport;
}

/**
 * Personalised PageRank by power iteration. A walker follows an out-edge with
 * probability `damping` (in proportion to the edge weights) and otherwise jumps to a
 * node drawn from the personalisation; a node with no out-edges (dangling) sends its
 * whole mass through the personalisation too, so the ranks stay a distribution and
 * mass gathers around the personalised nodes, not uniformly. The result is
 * deterministic: edges are merged and summed in a fixed order.
 */
export function pageRank(nodeCount: number, edges: readonly WeightedEdge[] | EdgeColumns, options: PageRankOptions = {}): PageRankResult {
  const damping = options.damping ?? PAGERANK_DEFAULTS.damping;
  const tolerance = options.tolerance ?? PAGERANK_DEFAULTS.tolerance;
  const maxIterations = options.maxIterations ?? PAGERANK_DEFAULTS.maxIterations;
  if (!(damping >= 0 && damping < 1)) throw new RangeError(`damping ${damping} outside [0, 1)`);
  if (nodeCount === 0) return { ranks: new Float64Array(0), iterations: 0, converged: true };
  const rows = transitionRows(nodeCount, Array.isArray(edges) ? edgeColumns(edges as readonly WeightedEdge[]) : (edges as EdgeColumns));
  const teleport = teleportVector(nodeCount, options.personalization);
  let ranks = Float64Array.from(teleport);
  let next = new Float64Array(nodeCount);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    let danglingMass = 0;
    for (let node = 0; node < nodeCount; node++) if (rows.dangling[node]) danglingMass += ranks[node]!;
    const jump = 1 - damping + damping * danglingMass;
    for (let node = 0; node < nodeCount; node++) next[node] = jump * teleport[node]!;
    for (let node = 0; node < nodeCount; node++) {
      const mass = damping * ranks[node]!;
      if (mass === 0) continue;
      for (let position = rows.offsets[node]!; position < rows.offsets[node + 1]!; position++) next[rows.targets[position]!]! += mass * rows.shares[position]!;
    }
    let change = 0;
    for (let node = 0; node < nodeCount; node++) change += Math.abs(next[node]! - ranks[node]!);
    [ranks, next] = [next, ranks];
    if (change < tolerance) return { ranks, iterations: iteration, converged: true };
  }
  return { ranks, iterations: maxIterations, converged: false };
}
