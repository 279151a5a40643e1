// Scoring of the retrieval benchmark: dev-set records, file-level figures, Markdown cells.
import { readFileSync } from 'node:fs';

/**
 * One line of a dev set: the first (npm packages) names `package` and `version`, the
 * second (repositories shipped as tarballs) names `repo` (`owner/name`).
 */
export interface DevQuery { id: string; package?: string; version?: string; repo?: string; query: string; body: string; gold_files: string[]; gold_symbols: string[] }
/** How one ranking did on one query (0 or 1, except the reciprocal rank). */
export interface Scores { r1: number; r5: number; r10: number; all10: number; rr: number; symbol10: number | undefined }
/** Mean figures over queries. */
export interface Figures { queries: number; r1: number; r5: number; r10: number; all10: number; mrr: number; symbol10: number; symbolQueries: number }
/** What scoring reads of a ranked item. */
export interface Ranked { path: string; symbol: string }

/** The corpus of a query: `name@version` for a package, `owner+name` (its folder under bench-corpora/) for a repository. */
export const specOf = (query: DevQuery): string => (query.repo !== undefined ? query.repo.replace('/', '+') : `${query.package}@${query.version}`);
/** The short corpus name for per-corpus rows and folds. */
export const corpusOf = (query: DevQuery): string => query.package ?? query.repo?.split('/').pop() ?? 'unknown';

export const fixed = (value: number): string => value.toFixed(3);
export const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)}`;
export const row = (cells: (string | number)[]): string => `| ${cells.join(' | ')} |`;
const symbolMatches = (symbol: string, name: string): boolean => symbol === name || ['.', '::', '#'].some((separator) => symbol.endsWith(`${separator}${name}`));

/** Reads a dev set (JSON lines), keeping the queries of the named corpora when some are named. */
export function readDevSet(file: string, corpora: readonly string[] | undefined): DevQuery[] {
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as DevQuery)
    .filter((query) => corpora === undefined || corpora.includes(corpusOf(query)));
}

/**
 * Scores a ranking at file level: `results` are chunks (each file at the rank of its
 * first chunk) or files; a gold symbol counts in the top 10 items of a gold file.
 */
export function score(query: DevQuery, results: readonly Ranked[]): Scores {
  const files = [...new Set(results.map((result) => result.path))];
  const gold = new Set(query.gold_files);
  const first = files.findIndex((file) => gold.has(file)) + 1;
  const within = (rank: number): number => (first > 0 && first <= rank ? 1 : 0);
  const top10 = new Set(files.slice(0, 10));
  const symbolFound = results.slice(0, 10).some((result) => gold.has(result.path) && query.gold_symbols.some((name) => symbolMatches(result.symbol, name)));
  return {
    r1: within(1),
    r5: within(5),
    r10: within(10),
    all10: query.gold_files.every((file) => top10.has(file)) ? 1 : 0,
    rr: first > 0 ? 1 / first : 0,
    symbol10: query.gold_symbols.length === 0 ? undefined : Number(symbolFound),
  };
}

/** Means over queries; symbol@10 over the queries that have gold symbols. */
export function summarize(scores: readonly Scores[]): Figures {
  const mean = (pick: (entry: Scores) => number, list = scores): number => (list.length === 0 ? 0 : list.reduce((sum, entry) => sum + pick(entry), 0) / list.length);
  const withSymbols = scores.filter((entry) => entry.symbol10 !== undefined);
  return {
    queries: scores.length,
    r1: mean((entry) => entry.r1),
    r5: mean((entry) => entry.r5),
    r10: mean((entry) => entry.r10),
    all10: mean((entry) => entry.all10),
    mrr: mean((entry) => entry.rr),
    symbol10: mean((entry) => entry.symbol10 ?? 0, withSymbols),
    symbolQueries: withSymbols.length,
  };
}

/** R@1, R@5, R@10, All@10, MRR and symbol@10 cells. */
export const figureCells = (figures: Figures): string[] => [fixed(figures.r1), fixed(figures.r5), fixed(figures.r10), fixed(figures.all10), fixed(figures.mrr), `${fixed(figures.symbol10)} (${figures.symbolQueries})`];
/** Orders by MRR, then R@1. */
export const better = (left: Figures, right: Figures): number => right.mrr - left.mrr || right.r1 - left.r1;
export const percentile = (sorted: readonly number[], share: number): number => sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? 0;
