import type { FileResult, QueryFilters, QueryGroup, QueryMode, QueryResult } from '../../schemas/index.js';
import type { Embedder } from '../embedding/index.js';
import type { RepositoryTables } from '../store/lance-store.js';
import { sqlIn, sqlPrefix } from '../store/sql.js';
import { foldParts, spanKnown, symbolKey, symbolSpan, type FoldedSymbol, type PartOf } from './fold-parts.js';
import type { GraphSignals } from '../graph/repo-graph.js';
import { applyGraphFactors, type GraphFactors } from './graph-ranking.js';
import { groupFiles } from './group-files.js';
import { askedClasses, classFactor, pathClass } from './path-classes.js';
import { searchText } from './search-text.js';
import { storedSpans } from './symbol-spans.js';

/** Fusion and ranking parameters; the defaults were chosen on both retrieval dev sets (docs/benchmarks.md). */
export interface RankingOptions extends GraphFactors {
  /** Reciprocal rank fusion constant: a larger value flattens the head of each list. */
  rrfK: number;
  /** Weight of the text (BM25) list in the fusion; the vector list weighs 1. */
  textWeight: number;
  /** Score multiplier of tests, fixtures, examples and benchmarks, unless the query asks for them. */
  secondaryFactor: number;
  /** Score multiplier of documentation anywhere (Markdown, reST, text, README, CHANGELOG, man pages), unless the query asks for docs. */
  docsFactor: number;
  /** Score multiplier of tests, examples or docs when the query asks for that class by name: a mild preference, not a flip. */
  askedFactor: number;
  /** With `group: 'file'`, a file's score is its best symbol's plus this share of its next two. */
  fileBonus: number;
  /** Candidates taken from each list before fusion, as a multiple of k (at least 50). */
  candidateFactor: number;
}

/** The product's ranking parameters (docs/benchmarks.md says how each was chosen on both dev sets). */
export const defaultRanking: RankingOptions = {
  rrfK: 60,
  textWeight: 1,
  secondaryFactor: 0.5,
  docsFactor: 0.3,
  askedFactor: 0.8,
  fileBonus: 0.1,
  candidateFactor: 5,
  // The graph factors (graph-ranking.ts): only the centrality prior held on both dev sets.
  definitionFactor: 1,
  centralityWeight: 0.1,
  neighbourFactor: 1,
  neighbourTop: 3,
};

/** One search over one repository's tables. */
export interface SearchRequest {
  query: string;
  k: number;
  mode: QueryMode;
  filters?: QueryFilters | undefined;
  group?: QueryGroup | undefined;
  ranking?: Partial<RankingOptions>;
  /** The repository's symbol graph signals, when its graph is known: the centrality and neighbour factors read them. */
  graph?: GraphSignals | undefined;
  signal?: AbortSignal | undefined;
}

/** A chunk of the text or vector candidate list, as fusion reads it: its path (for its class), BM25 `_score` or cosine `_distance`. */
export interface FusionCandidate {
  id: string;
  path: string;
  _score?: number;
  _distance?: number;
}

interface Hit extends FusionCandidate, PartOf {
  kind: QueryResult['kind'];
  language: QueryResult['language'];
}

const columns = ['id', 'path', 'start_line', 'end_line', 'qualified_name', 'kind', 'language', 'content', 'part_index', 'part_count'];

function whereClause(filters: QueryFilters | undefined): string | undefined {
  const parts: string[] = [];
  if (filters?.languages) parts.push(sqlIn('language', filters.languages));
  if (filters?.pathPrefix) parts.push(sqlPrefix('path', filters.pathPrefix.replace(/^\.?\/+/, '')));
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/** The first lines of a chunk, for display. */
function snippetOf(content: string): string {
  const lines = content.split('\n').filter((line) => line.trim() !== '').slice(0, 8);
  const text = lines.join('\n');
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

async function textHits(tables: RepositoryTables, query: string, limit: number, where: string | undefined): Promise<Hit[]> {
  const text = searchText(query).trim();
  if (text === '') return [];
  let request = tables.chunks.query().fullTextSearch(text, { columns: ['search_text'] }).select([...columns, '_score']).limit(limit);
  if (where) request = request.where(where);
  return (await request.toArray()) as Hit[];
}

async function vectorHits(tables: RepositoryTables, embedder: Embedder, query: string, limit: number, where: string | undefined, signal: AbortSignal | undefined): Promise<Hit[]> {
  const [vector] = await embedder.embed([query], signal ? { signal } : {});
  if (!vector) return [];
  // Rows still waiting for their vector (live updates write text first) have none to compare.
  const ready = where ? `embedded = true AND (${where})` : 'embedded = true';
  const request = tables.chunks.vectorSearch(Array.from(vector)).distanceType('cosine').select([...columns, '_distance']).where(ready).limit(limit);
  return (await request.toArray()) as Hit[];
}

/**
 * Fuses a query's text and vector candidate lists into one ranking, best first, with
 * no I/O: `hybrid` sums weighted reciprocal ranks, `text` keeps BM25 scores, `vector`
 * cosine similarities; then each chunk's score takes its path class's factor (tests,
 * examples, docs demoted; a class the query names mildly lifted). Exported for the
 * unit tests of those rules, which need no index.
 */
export function fuseCandidates<T extends FusionCandidate>(query: string, mode: QueryMode, text: readonly T[], vector: readonly T[], ranking: RankingOptions): { hit: T; score: number }[] {
  const asked = askedClasses(query);
  const scored = new Map<string, { hit: T; score: number }>();
  const add = (hits: readonly T[], weight: number, scoreOf: (hit: T, rank: number) => number): void => {
    hits.forEach((hit, rank) => {
      const entry = scored.get(hit.id) ?? { hit, score: 0 };
      entry.score += weight * scoreOf(hit, rank);
      scored.set(hit.id, entry);
    });
  };
  if (mode === 'hybrid') {
    add(text, ranking.textWeight, (_hit, rank) => 1 / (ranking.rrfK + rank + 1));
    add(vector, 1, (_hit, rank) => 1 / (ranking.rrfK + rank + 1));
  } else if (mode === 'text') {
    add(text, 1, (hit) => hit._score ?? 0);
  } else {
    add(vector, 1, (hit) => 1 - (hit._distance ?? 1));
  }
  // A negative score (cosine below zero) is lowered by dividing, so a demotion never raises it.
  const scale = (score: number, factor: number): number => (factor === 1 ? score : score >= 0 ? score * factor : score / factor);
  // A file's chunks share its class: classify each path once.
  const factors = new Map<string, number>();
  const factorOf = (path: string): number => {
    let factor = factors.get(path);
    if (factor === undefined) factors.set(path, (factor = classFactor(pathClass(path), asked, ranking)));
    return factor;
  };
  const ranked = [...scored.values()].map(({ hit, score }) => ({ hit, score: scale(score, factorOf(hit.path)) }));
  ranked.sort((left, right) => right.score - left.score);
  return ranked;
}

/** A search's answer: ranked symbols and, for `group: 'file'`, the ranked files they come from. */
export interface SearchAnswer {
  results: QueryResult[];
  files?: FileResult[];
}

/**
 * Ranks a repository's chunks for a query. `text` is BM25 over the identifier-split
 * full-text index, `vector` cosine similarity of embeddings, `hybrid` reciprocal rank
 * fusion of both lists. Tests, examples and documentation are demoted unless the
 * query names them (then mildly preferred). The parts of one symbol fold into one
 * result. With `group: 'file'`, the k best files with their best symbols.
 */
export async function searchChunks(tables: RepositoryTables, embedder: Embedder | undefined, request: SearchRequest): Promise<SearchAnswer> {
  const ranking = { ...defaultRanking, ...request.ranking };
  const where = whereClause(request.filters);
  const limit = Math.max(50, request.k * ranking.candidateFactor);
  const useText = request.mode !== 'vector';
  const useVector = request.mode !== 'text';
  if (useVector && !embedder) throw new Error('vector search needs an embedder');
  const [text, vector] = await Promise.all([
    useText ? textHits(tables, request.query, limit, where) : Promise.resolve([]),
    useVector && embedder ? vectorHits(tables, embedder, request.query, limit, where, request.signal) : Promise.resolve([]),
  ]);
  const fused = applyGraphFactors(request.query, fuseCandidates(request.query, request.mode, text, vector, ranking), request.graph, ranking);
  if (request.group !== 'file') return { results: await toResults(tables, foldParts(fused, request.k)) };
  return groupAnswer(tables, foldParts(fused), request.k, ranking.fileBonus);
}

/** The k best files of a query and their best symbols; files are ranked from every folded candidate, so a file's later symbols count too. */
async function groupAnswer(tables: RepositoryTables, folded: readonly FoldedSymbol<Hit>[], k: number, bonus: number): Promise<SearchAnswer> {
  const groups = groupFiles(folded.map((entry) => ({ path: entry.hit.path, score: entry.score, entry })), k, bonus);
  // Only the symbols shown become results (spans, snippets).
  const shown = await toResults(tables, groups.flatMap((group) => group.best.map((item) => item.entry)));
  let next = 0;
  const files = groups.map((group) => {
    const symbols = shown.slice(next, (next += group.best.length));
    return { path: group.path, language: symbols[0]?.language ?? 'text', score: Number(group.score.toFixed(6)), matches: group.matches, symbols };
  });
  return { results: shown, files };
}

/** Results of folded symbols, with the whole span of each split symbol (from the stored spans when its ranked parts lack an end). */
async function toResults(tables: RepositoryTables, folded: readonly FoldedSymbol<Hit>[]): Promise<QueryResult[]> {
  const spans = folded.every(spanKnown) ? undefined : await storedSpans(tables.chunks);
  return folded.map((entry) => {
    const base = { path: entry.hit.path, symbol: entry.hit.qualified_name, kind: entry.hit.kind, language: entry.hit.language, score: Number(entry.score.toFixed(6)) };
    if (entry.hit.part_count <= 1) return { ...base, startLine: entry.hit.start_line, endLine: entry.hit.end_line, snippet: snippetOf(entry.hit.content) };
    const span = symbolSpan(entry, spans?.get(symbolKey(entry.hit) ?? ''));
    return { ...base, startLine: span.startLine, endLine: span.endLine, snippet: snippetOf(span.content), parts: span.parts };
  });
}
