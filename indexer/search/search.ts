import type { QueryFilters, QueryMode, QueryResult } from '../../schemas/index.js';
import type { Embedder } from '../embedding/index.js';
import type { RepositoryTables } from '../store/lance-store.js';
import { sqlIn, sqlPrefix } from '../store/sql.js';
import { searchText } from './search-text.js';

/** Fusion and ranking parameters; the defaults were tuned on the retrieval dev set (docs/benchmarks.md). */
export interface RankingOptions {
  /** Reciprocal rank fusion constant: a larger value flattens the head of each list. */
  rrfK: number;
  /** Weight of the text (BM25) list in the fusion; the vector list weighs 1. */
  textWeight: number;
  /** Score multiplier of tests, fixtures, examples and docs, unless the query asks for them. */
  secondaryFactor: number;
  /** Candidates taken from each list before fusion, as a multiple of k (at least 50). */
  candidateFactor: number;
}

export const defaultRanking: RankingOptions = { rrfK: 60, textWeight: 1, secondaryFactor: 0.5, candidateFactor: 5 };

/** One search over one repository's tables. */
export interface SearchRequest {
  query: string;
  k: number;
  mode: QueryMode;
  filters?: QueryFilters | undefined;
  ranking?: Partial<RankingOptions>;
  signal?: AbortSignal | undefined;
}

/** A chunk of the text or vector candidate list, as fusion reads it: BM25 `_score` or cosine `_distance`. */
export interface FusionCandidate {
  id: string;
  is_secondary: boolean;
  _score?: number;
  _distance?: number;
}

interface Hit extends FusionCandidate {
  path: string;
  start_line: number;
  end_line: number;
  qualified_name: string;
  kind: QueryResult['kind'];
  language: QueryResult['language'];
  content: string;
}

const columns = ['id', 'path', 'start_line', 'end_line', 'qualified_name', 'kind', 'language', 'content', 'is_secondary'];
const asksForSecondary = /\b(tests?|spec|specs|fixtures?|examples?|bench(mark)?s?|docs?|e2e)\b/i;

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
 * cosine similarities; secondary chunks are demoted unless the query asks for them.
 * Exported so that the retrieval benchmark re-ranks cached lists with this very code.
 */
export function fuseCandidates<T extends FusionCandidate>(query: string, mode: QueryMode, text: readonly T[], vector: readonly T[], ranking: RankingOptions): { hit: T; score: number }[] {
  const demote = !asksForSecondary.test(query);
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
  const lower = (score: number): number => (score >= 0 ? score * ranking.secondaryFactor : score / ranking.secondaryFactor);
  const ranked = [...scored.values()].map(({ hit, score }) => ({ hit, score: demote && hit.is_secondary ? lower(score) : score }));
  ranked.sort((left, right) => right.score - left.score);
  return ranked;
}

/**
 * Ranks a repository's chunks for a query. `text` is BM25 over the identifier-split
 * full-text index, `vector` cosine similarity of embeddings, `hybrid` reciprocal rank
 * fusion of both lists. Tests, fixtures, examples and docs are demoted unless the
 * query mentions them. No chunk appears twice.
 */
export async function searchChunks(tables: RepositoryTables, embedder: Embedder | undefined, request: SearchRequest): Promise<QueryResult[]> {
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
  return fuseCandidates(request.query, request.mode, text, vector, ranking).slice(0, request.k).map(({ hit, score }) => ({
    path: hit.path,
    startLine: hit.start_line,
    endLine: hit.end_line,
    symbol: hit.qualified_name,
    kind: hit.kind,
    language: hit.language,
    score: Number(score.toFixed(6)),
    snippet: snippetOf(hit.content),
  }));
}
