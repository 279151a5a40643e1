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
 * Whether a choice of code entries fits. The assembly measures the whole prompt with them:
 * token estimates do not add up (a prose section beside code is counted at code's ratio).
 */
export type CodeFits = (entries: readonly CodeEntry[]) => boolean;

/**
 * Picks the code that `fits`. Breadth first: a file in play is shown whole only when that
 * leaves room for one snippet of every other file among the results; then the best
 * snippet of each result file in rank order, up to the first that does not fit; then
 * more snippets of the files shown. So a larger budget never shows fewer files. Whole files come first in the
 * prompt, snippets after in rank order. Files are read from `root` through the sandboxed
 * reader; missing and binary files are skipped.
 */
export async function selectCode(root: string, files: readonly string[], results: readonly QueryResult[], fits: CodeFits): Promise<CodeSelection> {
  const selection: CodeSelection = { entries: [], wholeFiles: [], snippets: 0, refused: [] };
  const snippets = results.map((result, rank) => ({ rank, entry: snippetEntry(result) }));
  const best = new Map<string, CodeEntry>();
  for (const { entry } of snippets) if (!best.has(entry.span.path)) best.set(entry.span.path, entry);
  for (const path of files) {
    const read = await readWorktreeFile(root, path);
    if (!read.ok && !read.missing) selection.refused.push(read.error);
    if (!read.ok || read.text.includes('\0')) continue;
    const text = `### ${path} (whole file)\n${fence(numbered(read.text, 1))}`;
    const whole: CodeEntry = { text, tokens: estimateTokens(text), span: { path, startLine: 1, endLine: lineCount(read.text) }, whole: true };
    const others = [...best.values()].filter((entry) => entry.span.path !== path && !selection.wholeFiles.includes(entry.span.path));
    if (!fits([...selection.entries, whole, ...others])) continue;
    selection.entries.push(whole);
    selection.wholeFiles.push(path);
  }
  const chosen: { rank: number; entry: CodeEntry }[] = [];
  const take = (candidate: { rank: number; entry: CodeEntry }): void => {
    if (chosen.includes(candidate) || selection.wholeFiles.includes(candidate.entry.span.path)) return;
    if (fits([...selection.entries, ...chosen.map((item) => item.entry), candidate.entry])) chosen.push(candidate);
  };
  // Files in rank order up to the first that does not fit (a prefix of the ranking, so a
  // larger budget shows a longer one); then more snippets of the files shown.
  const shown = new Set(selection.wholeFiles);
  for (const candidate of snippets) {
    if (shown.has(candidate.entry.span.path)) continue;
    take(candidate);
    if (!chosen.includes(candidate)) break;
    shown.add(candidate.entry.span.path);
  }
  for (const candidate of snippets) if (shown.has(candidate.entry.span.path)) take(candidate);
  chosen.sort((left, right) => left.rank - right.rank);
  selection.entries.push(...chosen.map((item) => item.entry));
  selection.snippets = chosen.length;
  return selection;
}

function snippetEntry(result: QueryResult): CodeEntry {
  const text = `### ${result.path}:${result.startLine}-${result.endLine} (${result.kind} ${result.symbol})\n${fence(numbered(result.snippet, result.startLine))}`;
  // A folded or long symbol's snippet shows its first lines only: the span says which.
  const endLine = Math.min(result.endLine, result.startLine + lineCount(result.snippet) - 1);
  return { text, tokens: estimateTokens(text), span: { path: result.path, startLine: result.startLine, endLine }, whole: false };
}
