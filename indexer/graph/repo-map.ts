import type { RepoMap, RepoMapFile, RepoMapRequest } from '../../schemas/index.js';
import { estimateTokens } from '../chunk/tokens.js';
import { askedClasses, type PathClass } from '../search/path-classes.js';
import { DEFAULT_EDGE_WEIGHTS, buildFileEdges, fileNodes, rankDefinitions, type EdgeWeights, type FileEdges, type FileNodes } from './file-edges.js';
import type { FileGraph } from './file-graph.js';
import { mentionedFiles, mentionedNames } from './mentions.js';
import { pageRank, type PageRankOptions } from './pagerank.js';
import { enclosingDefinitions, renderSection, type MapSection } from './render-map.js';

/** The tunables of the map; the defaults follow Aider's repo map. */
export interface RepoMapOptions {
  weights?: EdgeWeights;
  pageRank?: Omit<PageRankOptions, 'personalization'>;
}

/** Teleport weights: a focus file, the files defining one focus symbol (shared), and the floor every file keeps. */
const FOCUS_FILE_WEIGHT = 4;
const FOCUS_SYMBOL_WEIGHT = 2;
/** The share of the teleport mass spread uniformly when something is in focus, so global importance still orders the rest. */
const UNIFORM_SHARE = 0.1;

/** What a request puts in focus, resolved against the graph: files (named or given) and names (given or mentioned). */
interface Focus {
  files: string[];
  symbols: string[];
}

function resolveFocus(edges: FileNodes, request: RepoMapRequest): Focus {
  const text = request.text ?? '';
  const files = [...new Set([...(request.focusFiles ?? []), ...mentionedFiles(text, edges.paths)])].filter((path) => edges.indexOf.has(path));
  const symbols = [...new Set([...(request.focusSymbols ?? []), ...mentionedNames(text, (name) => edges.definers.has(name))])].filter((name) => edges.definers.has(name));
  return { files, symbols };
}

function personalization(edges: FileNodes, focus: Focus): Float64Array | undefined {
  const weights = new Float64Array(edges.paths.length);
  let total = 0;
  for (const path of focus.files) {
    weights[edges.indexOf.get(path)!]! += FOCUS_FILE_WEIGHT;
    total += FOCUS_FILE_WEIGHT;
  }
  for (const name of focus.symbols) {
    const definers = edges.definers.get(name)!;
    for (const node of definers) weights[node]! += FOCUS_SYMBOL_WEIGHT / definers.length;
    total += FOCUS_SYMBOL_WEIGHT;
  }
  if (total === 0) return undefined;
  const floor = (total * UNIFORM_SHARE) / (1 - UNIFORM_SHARE) / weights.length;
  return weights.map((weight) => weight + floor);
}

/** One step of the map's ranked list: a file, and the definitions (of one name) it adds; none adds the file alone. */
interface Entry {
  node: number;
  definitions: number[];
}

/** Orders files by rank, best first; equal ranks by path, so the map is stable. */
function byRank(ranks: ArrayLike<number>): (a: number, b: number) => number {
  return (a, b) => ranks[b]! - ranks[a]! || a - b;
}

/** A lookup of the indices of a file's definitions by name, each file indexed on first use. */
function definitionsByName(edges: FileEdges): (node: number, name: string) => number[] {
  const cache = new Map<number, Map<string, number[]>>();
  return (node, name) => {
    let byName = cache.get(node);
    if (!byName) {
      byName = new Map();
      edges.graphs[node]!.definitions.forEach((definition, index) => {
        const list = byName!.get(definition.name);
        if (list) list.push(index);
        else byName!.set(definition.name, [index]);
      });
      cache.set(node, byName);
    }
    return byName.get(name) ?? [];
  };
}

/** How many files' definitions of one focus symbol go first (the best ranked), and how many of its definitions per file (overloads). */
const FOCUS_DEFINERS = 3;
const FOCUS_OVERLOADS = 3;

/**
 * The ranked list the budget cuts: the focus files (their headers), the focus symbols'
 * definitions in their best source files (even ones nobody references), then each (file, name)
 * by the rank flowing to it (its first definition: twenty `get ()` accessors of one file
 * say no more than one), then the first definition of each name nobody references, the
 * files left (their names), and last the repeated names; each group best file first. A
 * definition is listed once.
 */
function rankedEntries(edges: FileEdges, focus: Focus, ranks: Float64Array, excluded: ReadonlySet<number>, asked: ReadonlySet<PathClass>): Entry[] {
  const entries: Entry[] = [];
  const listed = new Set<number>();
  const shown = new Set<string>();
  const named = definitionsByName(edges);
  const push = (node: number, indices: readonly number[]): void => {
    if (excluded.has(node)) return;
    const fresh = indices.filter((index) => !shown.has(`${node}:${index}`));
    if (fresh.length === 0 && (indices.length > 0 || listed.has(node))) return;
    for (const index of fresh) shown.add(`${node}:${index}`);
    listed.add(node);
    entries.push({ node, definitions: fresh });
  };
  const fileOrder = byRank(ranks);
  for (const path of focus.files) push(edges.indexOf.get(path)!, []);
  for (const name of focus.symbols) {
    // Only definitions in source go first (or in the classes the task asks for): `payload` of a task is not the `payload` of fifty tests.
    const definers = edges.definers.get(name)!;
    const preferred = definers.filter((node) => edges.classes[node] === 'source' || asked.has(edges.classes[node]!));
    for (const node of preferred.sort(fileOrder).slice(0, FOCUS_DEFINERS)) push(node, named(node, name).slice(0, FOCUS_OVERLOADS));
  }
  const flows: { node: number; name: string; rank: number }[] = [];
  for (const [node, names] of rankDefinitions(edges, ranks)) for (const [name, rank] of names) flows.push({ node, name, rank });
  flows.sort((a, b) => b.rank - a.rank || fileOrder(a.node, b.node) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { node, name } of flows) push(node, named(node, name).slice(0, 1));
  const nodes = edges.paths.map((_, node) => node).sort(fileOrder);
  for (const node of nodes) for (const name of new Set(edges.graphs[node]!.definitions.map((definition) => definition.name))) push(node, named(node, name).slice(0, 1));
  for (const node of nodes) push(node, []);
  for (const node of nodes) edges.graphs[node]!.definitions.forEach((_, index) => push(node, [index]));
  return entries;
}

/** Renders the chosen entries: the files they touch, focus files first (in the request's order), then by rank. */
function renderEntries(edges: FileEdges, entries: readonly Entry[], focusNodes: readonly number[], ranks: Float64Array, parents: (node: number) => Int32Array): { text: string; files: RepoMapFile[] } {
  const chosen = new Map<number, Set<number>>();
  for (const entry of entries) {
    const set = chosen.get(entry.node) ?? new Set<number>();
    for (const index of entry.definitions) set.add(index);
    chosen.set(entry.node, set);
  }
  const focusPosition = new Map(focusNodes.map((node, position) => [node, position]));
  const position = (node: number): number => focusPosition.get(node) ?? focusNodes.length;
  const rankOrder = byRank(ranks);
  const nodes = [...chosen.keys()].sort((a, b) => position(a) - position(b) || rankOrder(a, b));
  const texts: string[] = [];
  const files: RepoMapFile[] = [];
  for (const node of nodes) {
    const graph = edges.graphs[node]!;
    const section: MapSection = { path: graph.path, rank: ranks[node]!, definitions: graph.definitions, chosen: chosen.get(node)! };
    const { text, file } = renderSection(section, parents(node));
    texts.push(text);
    files.push(file);
  }
  return { text: texts.join('\n'), files };
}

/**
 * The largest count in `0..total` for which `fits` holds, `fits` being monotone (true
 * up to some count, false after): a galloping search, so a small answer costs small
 * probes, then a binary search between the last two probes.
 */
export function largestFitting(total: number, fits: (count: number) => boolean): number {
  let low = 0;
  let probe = Math.min(total, 64);
  while (probe > low && fits(probe)) {
    low = probe;
    probe = Math.min(total, probe * 2);
  }
  let high = probe === low ? low : probe - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle - 1;
  }
  return low;
}

/**
 * Builds a repository's map for a request: ranks files by personalised PageRank over
 * the symbol graph, ranks each file's definitions by the rank flowing to them, and
 * renders the largest prefix of that ranking whose outline fits `budgetTokens` (found
 * by binary search, the rendered size growing with the prefix). Pure and
 * deterministic: the same graphs and request give the same map.
 */
export function buildRepoMap(graphs: readonly FileGraph[], request: RepoMapRequest, options: RepoMapOptions = {}): RepoMap {
  return repoMapOf(fileNodes(graphs), request, options);
}

/** `buildRepoMap` over a repository's nodes already indexed (`analyseGraph(...).nodes`, cached per index version). */
export function repoMapOf(nodes: FileNodes, request: RepoMapRequest, options: RepoMapOptions = {}): RepoMap {
  const focus = resolveFocus(nodes, request);
  const asked = askedClasses(request.text ?? '');
  const edges = buildFileEdges(nodes, new Set(focus.symbols), options.weights ?? DEFAULT_EDGE_WEIGHTS, asked);
  const { ranks } = pageRank(edges.paths.length, [...edges.named, ...edges.imports], { ...options.pageRank, ...optional(personalization(edges, focus)) });
  const excluded = new Set((request.exclude ?? []).map((path) => edges.indexOf.get(path)).filter((node) => node !== undefined));
  const focusNodes = focus.files.map((path) => edges.indexOf.get(path)!);
  const entries = rankedEntries(edges, focus, ranks, excluded, asked);
  const parentCache = new Map<number, Int32Array>();
  const parents = (node: number): Int32Array => {
    let found = parentCache.get(node);
    if (!found) parentCache.set(node, (found = enclosingDefinitions(edges.graphs[node]!.definitions)));
    return found;
  };
  const render = (count: number): { text: string; files: RepoMapFile[] } => renderEntries(edges, entries.slice(0, count), focusNodes, ranks, parents);
  const count = largestFitting(entries.length, (probe) => estimateTokens(render(probe).text) <= request.budgetTokens);
  const { text, files } = render(count);
  return { text, tokens: estimateTokens(text), files };
}

function optional(personalization: Float64Array | undefined): Pick<PageRankOptions, 'personalization'> {
  return personalization ? { personalization } : {};
}
