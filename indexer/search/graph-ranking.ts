import { isEverydayWord } from '../graph/mentions.js';
import type { GraphSignals } from '../graph/repo-graph.js';

/** The ranking parameters the graph factors read (fields of `RankingOptions`); a factor of 1 or a weight of 0 turns one off. */
export interface GraphFactors {
  /** Score multiplier of a chunk whose own symbol name is a word of the query (`hijack` for "make hijack idempotent"). */
  definitionFactor: number;
  /** Weight of the centrality prior: a chunk's score is multiplied by `1 + centralityWeight x centrality` of its file. */
  centralityWeight: number;
  /** Score multiplier of chunks in a neighbour file of one of the top `neighbourTop` files. */
  neighbourFactor: number;
  neighbourTop: number;
}

/** A candidate as the graph factors read it: its file, symbol and kind. */
export interface GraphCandidate {
  path: string;
  qualified_name: string;
  kind: string;
}

/**
 * The words of a query that can name a definition: each as written, and lower-cased
 * when four letters or more; everyday English (`error`, `test`) names nothing, so a
 * function called `error` is not lifted by "fix the error".
 */
export function definitionWords(query: string): { exact: ReadonlySet<string>; folded: ReadonlySet<string> } {
  const exact = new Set<string>();
  const folded = new Set<string>();
  for (const [word] of query.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) {
    if (isEverydayWord(word)) continue;
    exact.add(word);
    if (word.length >= 4) folded.add(word.toLowerCase());
  }
  return { exact, folded };
}

/** A chunk's own name: the last segment of its qualified name (`Reply.hijack` -> `hijack`, `Ledger::settle` -> `settle`). */
export function ownName(qualifiedName: string): string {
  const segments = qualifiedName.split(/::|[.#]/);
  return segments[segments.length - 1] ?? qualifiedName;
}

const SYMBOL_KINDS_WITHOUT_NAMES = new Set(['module', 'block']);

/** A positive score is multiplied, a negative one (cosine below zero) divided, so a lift never lowers it. */
const lift = (score: number, factor: number): number => (factor === 1 ? score : score >= 0 ? score * factor : score / factor);

/**
 * Applies the graph factors to a fused ranking (best first) and sorts it again: exact
 * definition-name matches, the centrality prior, and neighbours of the top files. Each
 * factor is skipped when neutral; with no graph, only the name factor applies.
 */
export function applyGraphFactors<T extends GraphCandidate>(query: string, ranked: readonly { hit: T; score: number }[], graph: GraphSignals | undefined, factors: GraphFactors): { hit: T; score: number }[] {
  const words = factors.definitionFactor === 1 ? undefined : definitionWords(query);
  const neighbours = graph && factors.neighbourFactor !== 1 ? neighbourFiles(ranked, graph, factors.neighbourTop) : undefined;
  const centralityWeight = graph ? factors.centralityWeight : 0;
  if (!words && !neighbours && centralityWeight === 0) return [...ranked];
  const rescored = ranked.map(({ hit, score }) => {
    let factor = 1;
    if (words && !SYMBOL_KINDS_WITHOUT_NAMES.has(hit.kind)) {
      const name = ownName(hit.qualified_name);
      if (words.exact.has(name) || words.folded.has(name.toLowerCase())) factor *= factors.definitionFactor;
    }
    if (centralityWeight !== 0) factor *= 1 + centralityWeight * (graph!.centrality.get(hit.path) ?? 0);
    if (neighbours?.has(hit.path)) factor *= factors.neighbourFactor;
    return { hit, score: lift(score, factor) };
  });
  // A stable sort: equal scores keep the fused order.
  return rescored.sort((left, right) => right.score - left.score);
}

/** The neighbours of the first `top` distinct files of a ranking, the top files themselves left out (they need no lift). */
function neighbourFiles(ranked: readonly { hit: GraphCandidate }[], graph: GraphSignals, top: number): ReadonlySet<string> {
  const topFiles: string[] = [];
  for (const { hit } of ranked) {
    if (topFiles.length >= top) break;
    if (!topFiles.includes(hit.path)) topFiles.push(hit.path);
  }
  const found = new Set<string>();
  for (const path of topFiles) for (const neighbour of graph.neighbours.get(path) ?? []) found.add(neighbour);
  for (const path of topFiles) found.delete(path);
  return found;
}
