import { pathClass, type PathClass } from '../search/path-classes.js';
import type { FileGraph } from './file-graph.js';
import { EdgeColumnsBuilder, type EdgeColumns } from './edge-columns.js';
import type { WeightedEdge } from './pagerank.js';

/** How references and imports weigh as edges of the file graph (Aider's repo map is the model). */
export interface EdgeWeights {
  /** Multiplier of a reference to a focus symbol (named in the task, matched by the query). */
  focusFactor: number;
  /** Multiplier of a reference to a private-looking name (`_helper`): file-internal plumbing, rarely the point. */
  privateFactor: number;
  /** Multiplier of a name defined in more than `commonDefiners` files (`get`, `run`, `new`): it says little about which file is meant. */
  commonFactor: number;
  commonDefiners: number;
  /** Weight of an import edge: it carries no name, and the references it enables weigh already. */
  importWeight: number;
  /**
   * Multiplier of an edge into a test, example or documentation file the task does not ask
   * for: tests define `test`, `t`, `payload` and every test file uses them, which would
   * otherwise pile rank onto test helpers.
   */
  secondaryFactor: number;
}

/** The weights the map uses: a reference counts 1 (sqrt of its count), a focus symbol's x10, private and common names' x0.1, an import 0.5. */
export const DEFAULT_EDGE_WEIGHTS: EdgeWeights = { focusFactor: 10, privateFactor: 0.1, commonFactor: 0.1, commonDefiners: 5, importWeight: 0.5, secondaryFactor: 0.1 };

/** An edge from a file that uses `name` to a file that defines it. */
export interface NamedEdge extends WeightedEdge {
  name: string;
}

/** A repository's files as graph nodes, in path order, and which files define each name: what every ranking starts from. */
export interface FileNodes {
  paths: string[];
  /** Each file's graph, in node order. */
  graphs: FileGraph[];
  indexOf: Map<string, number>;
  /** Which files define each name, in node order. */
  definers: Map<string, number[]>;
  /** Each file's class (source, test, example, docs), in node order. */
  classes: PathClass[];
}

/** The file graph as PageRank reads it: the nodes, and edges named by what they reference. */
export interface FileEdges extends FileNodes {
  named: NamedEdge[];
  imports: WeightedEdge[];
}

/**
 * The multiplier of a name's reference edges: the ideas of Aider's repo map. Focus
 * symbols count ten times, private-looking and widely defined names a tenth.
 */
export function nameFactor(name: string, definerCount: number, focus: boolean, weights: EdgeWeights = DEFAULT_EDGE_WEIGHTS): number {
  let factor = 1;
  if (focus) factor *= weights.focusFactor;
  if (name.startsWith('_')) factor *= weights.privateFactor;
  if (definerCount > weights.commonDefiners) factor *= weights.commonFactor;
  return factor;
}

function definersByName(graphs: readonly FileGraph[], indexOf: Map<string, number>): Map<string, number[]> {
  const definers = new Map<string, number[]>();
  for (const graph of graphs) {
    const node = indexOf.get(graph.path)!;
    for (const { name } of graph.definitions) {
      const list = definers.get(name);
      if (!list) definers.set(name, [node]);
      else if (list[list.length - 1] !== node) list.push(node);
    }
  }
  return definers;
}

/** Numbers a repository's files in path order (a path listed twice keeps its first graph) and indexes who defines what. */
export function fileNodes(graphs: readonly FileGraph[]): FileNodes {
  const unique = new Map<string, FileGraph>();
  for (const graph of graphs) if (!unique.has(graph.path)) unique.set(graph.path, graph);
  const paths = [...unique.keys()].sort();
  const ordered = paths.map((path) => unique.get(path)!);
  const indexOf = new Map(paths.map((path, node) => [path, node]));
  return { paths, graphs: ordered, indexOf, definers: definersByName(ordered, indexOf), classes: paths.map(pathClass) };
}

const byName = ([a]: [string, number], [b]: [string, number]): number => (a < b ? -1 : a > b ? 1 : 0);

/** Where `visitFileEdges` sends each edge it makes: a name's edges, then the file's imports, file by file. */
export interface EdgeSink {
  named(from: number, to: number, weight: number, name: string): void;
  imported(from: number, to: number, weight: number): void;
}

/**
 * Makes the weighted edges of the file graph: each file that references a name points
 * at each other file defining it, weighing `sqrt(count) x nameFactor` (so one file
 * calling a helper fifty times does not outweigh fifty files calling it once), and at
 * each repository file it imports with `importWeight`. Edges into test, example and
 * documentation files weigh `secondaryFactor` more unless the task asks for that class.
 * Files in node order, each file's names in name order, each name's definers in node order.
 */
export function visitFileEdges(nodes: FileNodes, sink: EdgeSink, focusSymbols: ReadonlySet<string> = new Set(), weights: EdgeWeights = DEFAULT_EDGE_WEIGHTS, asked: ReadonlySet<PathClass> = new Set()): void {
  const into = (to: number): number => (nodes.classes[to] === 'source' || asked.has(nodes.classes[to]!) ? 1 : weights.secondaryFactor);
  nodes.graphs.forEach((graph, from) => {
    const counts = new Map<string, number>();
    for (const { name } of graph.references) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const [name, count] of [...counts].sort(byName)) {
      const targets = nodes.definers.get(name);
      if (!targets) continue;
      const weight = Math.sqrt(count) * nameFactor(name, targets.length, focusSymbols.has(name), weights);
      for (const to of targets) if (to !== from) sink.named(from, to, weight * into(to), name);
    }
    for (const path of new Set(graph.imports)) {
      const to = nodes.indexOf.get(path);
      if (to !== undefined && to !== from) sink.imported(from, to, weights.importWeight * into(to));
    }
  });
}

/** The file graph's edges as objects, each named edge with its name (what ranking definitions needs). */
export function buildFileEdges(nodes: FileNodes, focusSymbols: ReadonlySet<string>, weights: EdgeWeights = DEFAULT_EDGE_WEIGHTS, asked: ReadonlySet<PathClass> = new Set()): FileEdges {
  const named: NamedEdge[] = [];
  const imports: WeightedEdge[] = [];
  const sink: EdgeSink = {
    named: (from, to, weight, name) => named.push({ from, to, weight, name }),
    imported: (from, to, weight) => imports.push({ from, to, weight }),
  };
  visitFileEdges(nodes, sink, focusSymbols, weights, asked);
  return { ...nodes, named, imports };
}

/**
 * The file graph's edges without focus, as columns: the named edges, then the imports,
 * in `buildFileEdges`'s order. 16 bytes an edge instead of an object: Go's standard
 * library makes 1.9M edges, and as objects they took most of the 360 MB its analysis held.
 */
export function fileEdgeColumns(nodes: FileNodes): EdgeColumns {
  const named = new EdgeColumnsBuilder();
  const imports = new EdgeColumnsBuilder();
  visitFileEdges(nodes, { named: (from, to, weight) => named.push(from, to, weight), imported: (from, to, weight) => imports.push(from, to, weight) });
  return named.concat(imports);
}

/**
 * Spreads each file's rank over the names it references, in proportion to the edge
 * weights (Aider's (file, name) ranking): the rank of a definition is how much of the
 * graph's attention flows to that name in that file. Keyed `node -> name -> rank`.
 */
export function rankDefinitions(edges: FileEdges, ranks: ArrayLike<number>): Map<number, Map<string, number>> {
  const outWeight = new Float64Array(edges.paths.length);
  for (const edge of edges.named) outWeight[edge.from]! += edge.weight;
  for (const edge of edges.imports) outWeight[edge.from]! += edge.weight;
  const ranked = new Map<number, Map<string, number>>();
  for (const { from, to, weight, name } of edges.named) {
    let names = ranked.get(to);
    if (!names) ranked.set(to, (names = new Map()));
    names.set(name, (names.get(name) ?? 0) + (ranks[from]! * weight) / outWeight[from]!);
  }
  return ranked;
}
