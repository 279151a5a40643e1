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
 * separator): each file in play whole when it fits, else its best snippet; then the
 * other results' snippets in rank order. Files are read from `root` through the
 * sandboxed reader; missing and binary files are skipped.
 */
export async function selectCode(root: string, files: readonly string[], results: readonly QueryResult[], budgetTokens: number): Promise<CodeSelection> {
  const selection: CodeSelection = { entries: [], wholeFiles: [], snippets: 0, refused: [] };
  let used = 0;
  const add = (entry: CodeEntry): boolean => {
    if (used + entry.tokens + 1 > budgetTokens) return false;
    selection.entries.push(entry);
    used += entry.tokens + 1;
    return true;
  };
  for (const path of files) {
    const read = await readWorktreeFile(root, path);
    if (!read.ok && !read.missing) selection.refused.push(read.error);
    if (!read.ok || read.text.includes('\0')) continue;
    const text = `### ${path} (whole file)\n${fence(numbered(read.text, 1))}`;
    if (add({ text, tokens: estimateTokens(text), span: { path, startLine: 1, endLine: lineCount(read.text) }, whole: true })) selection.wholeFiles.push(path);
    else {
      const best = results.find((candidate) => candidate.path === path);
      if (best && add(snippetEntry(best))) selection.snippets += 1;
    }
  }
  const shown = new Set(selection.entries.map((entry) => `${entry.span.path}:${entry.span.startLine}`));
  for (const result of results) {
    if (selection.wholeFiles.includes(result.path) || shown.has(`${result.path}:${result.startLine}`)) continue;
    if (add(snippetEntry(result))) selection.snippets += 1;
  }
  return selection;
}

function snippetEntry(result: QueryResult): CodeEntry {
  const text = `### ${result.path}:${result.startLine}-${result.endLine} (${result.kind} ${result.symbol})\n${fence(numbered(result.snippet, result.startLine))}`;
  // A folded or long symbol's snippet shows its first lines only: the span says which.
  const endLine = Math.min(result.endLine, result.startLine + lineCount(result.snippet) - 1);
  return { text, tokens: estimateTokens(text), span: { path: result.path, startLine: result.startLine, endLine }, whole: false };
}
