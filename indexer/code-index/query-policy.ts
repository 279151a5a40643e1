import { isAbortError } from '../../platform/index.js';
import { MinionsError, type FileResult, type QueryMode, type QueryRequest, type QueryResult } from '../../schemas/index.js';
import type { Embedder } from '../embedding/index.js';
import type { GraphSignals } from '../graph/repo-graph.js';
import type { RepositoryMeta } from '../repository-meta.js';
import { defaultRanking, searchChunks, type RankingOptions } from '../search/search.js';
import { corrupt, type RepositoryTables } from '../store/lance-store.js';

/** Results returned when a request names no `k`. */
export const DEFAULT_K = 10;

/** A query over one repository: the HTTP request without `repo`, which the handle already is. */
export type RepositoryQuery = Omit<QueryRequest, 'repo'>;

/** How one query runs: the caller's signal, and ranking parameters (the retrieval benchmark tunes them). */
export interface QueryOptions {
  signal?: AbortSignal | undefined;
  ranking?: Partial<RankingOptions> | undefined;
}

/** The ranked results, the ranked files of a `group: 'file'` query, and the mode that produced them (the best available one when the request named none). */
export interface QueryAnswer {
  results: QueryResult[];
  files?: FileResult[];
  mode: QueryMode;
  /** Chunks with their vector, of all the index holds: below the total while an indexing run's vector phase goes on (vector ranking covers those only). */
  embedded: { chunks: number; total: number };
}

/** What the policy reads from a repository's index: its record, its tables and the configured embedder. */
export interface QuerySource {
  root: string;
  meta(): Promise<RepositoryMeta | undefined>;
  tables(meta: RepositoryMeta): Promise<RepositoryTables>;
  /** Drops tables held open, so the next `tables` call opens them at their latest version. */
  reopen?(): void;
  /** The configured embedder, or undefined where only text search is possible. */
  embedder(signal: AbortSignal | undefined): Promise<Embedder | undefined>;
  /** The symbol graph's signals (centrality, neighbours) for the graph ranking factors; absent where no graph is kept. */
  graph?(signal: AbortSignal | undefined): Promise<GraphSignals | undefined>;
}

/** The command that builds a repository's index, for error messages. */
export const indexCommand = (root: string): string => `minions index ${root}`;

/** `index-missing`, naming the command that builds the index. */
export function missingIndex(root: string): MinionsError {
  return new MinionsError('index-missing', `${root} has no index yet. Build it with \`${indexCommand(root)}\`.`);
}

/**
 * The one query policy, for HTTP, the CLI and the agent alike. A repository never
 * indexed is `index-missing`; an index whose tables are gone, unreadable or emptied is
 * `index-corrupt` (naming `--rebuild`), never an empty answer. An explicit mode is
 * obeyed or refused: `vector` and `hybrid` need the model the index was built with. A
 * request without a mode gets the best available one: hybrid with that model, text
 * otherwise; the answer says which.
 */
export async function answerQuery(source: QuerySource, request: RepositoryQuery, options: QueryOptions = {}): Promise<QueryAnswer> {
  const meta = await source.meta();
  if (!meta) throw missingIndex(source.root);
  const { mode, embedder } = await chooseMode(source, meta, request.mode, options.signal);
  const graph = await graphSignals(source, { ...defaultRanking, ...options.ranking }, options.signal);
  const search = { query: request.query, k: request.k ?? DEFAULT_K, mode, filters: request.filters, group: request.group, signal: options.signal, graph, ...(options.ranking ? { ranking: options.ranking } : {}) };
  for (let attempt = 1; ; attempt++) {
    try {
      const tables = await source.tables(meta);
      const rows = await tables.chunks.countRows();
      if (rows === 0 && meta.chunks > 0) throw new Error(`it holds no chunks but was built with ${meta.chunks}`);
      const answer = await searchChunks(tables, embedder, search);
      return { ...answer, mode, embedded: { chunks: await tables.chunks.countRows('embedded = true'), total: rows } };
    } catch (error) {
      if (error instanceof MinionsError || isAbortError(error)) throw error;
      // A writer's cleanup removed the files of the version this read started from: the
      // index is fine at its latest version, so read again there before calling it damaged.
      if (attempt < VANISHED_RETRIES && vanishedFile(error)) {
        source.reopen?.();
        continue;
      }
      throw corrupt(`of ${source.root}`, error, `${indexCommand(source.root)} --rebuild`);
    }
  }
}

/**
 * The graph signals when a graph factor is on (read once per index version, so cheap
 * after the first query). A graph that cannot be read leaves the ranking without its
 * factors rather than failing the query: the text and vector ranking still stand.
 */
async function graphSignals(source: QuerySource, ranking: RankingOptions, signal: AbortSignal | undefined): Promise<GraphSignals | undefined> {
  if (!source.graph || (ranking.centralityWeight === 0 && ranking.neighbourFactor === 1)) return undefined;
  try {
    return await source.graph(signal);
  } catch (error) {
    if (isAbortError(error)) throw error;
    return undefined;
  }
}

/** Reads tried when data files vanish under a query (each writer pass can clean up the version a read is at). */
const VANISHED_RETRIES = 3;

/** Whether LanceDB failed because a data or index file of the version it read is gone. */
function vanishedFile(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Not found: \S+\.lance\b|Not found: \S+_indices\b/.test(message);
}

async function chooseMode(source: QuerySource, meta: RepositoryMeta, requested: QueryMode | undefined, signal: AbortSignal | undefined): Promise<{ mode: QueryMode; embedder?: Embedder }> {
  if (requested === 'text') return { mode: 'text' };
  const embedder = await source.embedder(signal);
  const matches = embedder !== undefined && embedder.modelId === meta.model;
  if (requested === undefined) return matches ? { mode: 'hybrid', embedder } : { mode: 'text' };
  if (embedder === undefined) throw new MinionsError('invalid-argument', `${requested} search needs the embedder the index of ${source.root} was built with (${meta.model}).`);
  if (!matches) {
    throw new MinionsError(
      'invalid-argument',
      `The index of ${source.root} was built with ${meta.model}, not ${embedder.modelId}; query with that model or rebuild with \`${indexCommand(source.root)} --rebuild\`.`,
    );
  }
  return { mode: requested, embedder };
}
