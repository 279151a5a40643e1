// Retrieval for the first prompt: a hybrid query on the task text through CodeSearch,
// then the code to show within a token budget: the whole files in play (named in the
// task, then the files of the top symbols) when they fit, else their best snippet, then
// the remaining snippets.
import { MinionsError, type ContextSpan, type QueryResult } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import { estimateTokens } from '../limits.js';
import type { CodeSearch } from '../tools/tool.js';
import { readWorktreeFile } from '../workspace/regular-file.js';
import { fence, lineCount, numbered } from './prompt-text.js';

/** What the query on the task found, or why search is unavailable. */
export interface TaskSearch {
  search: 'used' | 'unavailable' | 'empty';
  /** Why search is unavailable (the index's own words). */
  note?: string;
  /** Ranked symbols of tracked files. */
  results: QueryResult[];
}

/** Paths of tracked files that the task text names, e.g. `src/app.ts` or `app.ts`. */
export function pathsInText(text: string, tracked: readonly string[]): string[] {
  const words = new Set(text.match(/[\w@./-]+\.[A-Za-z0-9]+/g) ?? []);
  const found = tracked.filter((path) => words.has(path) || (words.has(path.split('/').pop() ?? '') && (path.split('/').pop() ?? '').includes('.')));
  return found.slice(0, 10);
}

/** Runs the task text as a query; a failure other than cancellation makes search `unavailable`, with the reason. */
export async function searchTask(search: CodeSearch, task: string, options: { repo: string; tracked: readonly string[]; k: number; signal: AbortSignal }): Promise<TaskSearch> {
  const tracked = new Set(options.tracked);
  try {
    const results = (await search.search(task, options.k, { repo: options.repo, signal: options.signal })).filter((result) => tracked.has(result.path));
    return { search: results.length > 0 ? 'used' : 'empty', results };
  } catch (error) {
    if (isAbortError(error)) throw error;
    return { search: 'unavailable', note: error instanceof MinionsError ? error.message : String(error), results: [] };
  }
}

/** One piece of the code section: a whole file or a symbol's snippet, with its tokens and span. */
export interface CodeEntry {
  text: string;
  tokens: number;
  span: ContextSpan;
  whole: boolean;
}

/** The code chosen for the first prompt. */
export interface CodeSelection {
  entries: CodeEntry[];
  /** Files shown whole. */
  wholeFiles: string[];
  snippets: number;
  /** Why files in play were not read (the sandboxed reader refused them). */
  refused: string[];
}

/**
 * Picks the code within `budgetTokens` (each entry counted with one token for its
 * separator). Breadth first: a file in play is shown whole only when that leaves room for
 * one snippet of every other file among the results, else by its best snippet; then one
 * snippet of each other result file, then the remaining snippets, in rank order. So a
 * larger budget never shows fewer files. Whole files come first in the prompt, snippets
 * after in rank order. Files are read from `root` through the sandboxed reader; missing
 * and binary files are skipped.
 */
export async function selectCode(root: string, files: readonly string[], results: readonly QueryResult[], budgetTokens: number): Promise<CodeSelection> {
  const selection: CodeSelection = { entries: [], wholeFiles: [], snippets: 0, refused: [] };
  const snippets = results.map((result, rank) => ({ rank, entry: snippetEntry(result) }));
  const best = new Map<string, number>();
  for (const { entry } of snippets) if (!best.has(entry.span.path)) best.set(entry.span.path, entry.tokens + 1);
  const chosen = new Set<number>();
  let used = 0;
  const reserve = (except: ReadonlySet<string>): number => [...best].reduce((sum, [path, tokens]) => sum + (except.has(path) ? 0 : tokens), 0);
  for (const path of files) {
    const read = await readWorktreeFile(root, path);
    if (!read.ok && !read.missing) selection.refused.push(read.error);
    if (!read.ok || read.text.includes('\0')) continue;
    const text = `### ${path} (whole file)\n${fence(numbered(read.text, 1))}`;
    const tokens = estimateTokens(text) + 1;
    if (used + tokens + reserve(new Set([...selection.wholeFiles, path])) > budgetTokens) continue;
    selection.entries.push({ text, tokens: tokens - 1, span: { path, startLine: 1, endLine: lineCount(read.text) }, whole: true });
    selection.wholeFiles.push(path);
    used += tokens;
  }
  const take = (rank: number, entry: CodeEntry): void => {
    if (chosen.has(rank) || selection.wholeFiles.includes(entry.span.path) || used + entry.tokens + 1 > budgetTokens) return;
    chosen.add(rank);
    used += entry.tokens + 1;
  };
  const firsts = new Set<string>();
  for (const { rank, entry } of snippets) {
    if (firsts.has(entry.span.path)) continue;
    firsts.add(entry.span.path);
    take(rank, entry);
  }
  for (const { rank, entry } of snippets) take(rank, entry);
  const taken = snippets.filter(({ rank }) => chosen.has(rank)).map(({ entry }) => entry);
  selection.entries.push(...taken);
  selection.snippets = taken.length;
  return selection;
}

function snippetEntry(result: QueryResult): CodeEntry {
  const text = `### ${result.path}:${result.startLine}-${result.endLine} (${result.kind} ${result.symbol})\n${fence(numbered(result.snippet, result.startLine))}`;
  // A folded or long symbol's snippet shows its first lines only: the span says which.
  const endLine = Math.min(result.endLine, result.startLine + lineCount(result.snippet) - 1);
  return { text, tokens: estimateTokens(text), span: { path: result.path, startLine: result.startLine, endLine }, whole: false };
}
