// Retrieval for the first prompt: a hybrid query on the task text through CodeSearch,
// expanded to the whole files of the top symbols when they fit, then the remaining
// snippets, all within a token budget. Paths named in the task come first.
import { MinionsError, type QueryResult } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import { estimateTokens } from '../limits.js';
import type { CodeSearch } from '../tools/tool.js';
import { readWorktreeFile } from '../workspace/regular-file.js';

/** What retrieval found. */
export interface RetrievedContext {
  search: 'used' | 'unavailable' | 'empty';
  note?: string;
  /** Files in play: named in the task or holding a top symbol. */
  files: string[];
  /** Prompt sections, each headed by its path and lines. */
  sections: string[];
  snippets: number;
  tokens: number;
  /** Why files in play were not read (the sandboxed reader refused them). */
  refused: string[];
}

/** Options of `retrieveContext`. */
export interface RetrievalOptions {
  worktree: string;
  /** The user's repository, whose index is searched. */
  repo: string;
  tracked: readonly string[];
  budgetTokens: number;
  /** Results asked of the index, and how many of the top ones expand to their whole file. */
  k?: number;
  expandFiles?: number;
  signal: AbortSignal;
}

/** Paths of tracked files that the task text names, e.g. `src/app.ts` or `app.ts`. */
export function pathsInText(text: string, tracked: readonly string[]): string[] {
  const words = new Set(text.match(/[\w@./-]+\.[A-Za-z0-9]+/g) ?? []);
  const found = tracked.filter((path) => words.has(path) || (words.has(path.split('/').pop() ?? '') && (path.split('/').pop() ?? '').includes('.')));
  return found.slice(0, 10);
}

/** Runs the query and assembles the sections within the budget. */
export async function retrieveContext(search: CodeSearch, prompt: string, options: RetrievalOptions): Promise<RetrievedContext> {
  const context: RetrievedContext = { search: 'empty', files: [], sections: [], snippets: 0, tokens: 0, refused: [] };
  const tracked = new Set(options.tracked);
  let results: QueryResult[] = [];
  try {
    results = (await search.search(prompt, options.k ?? 10, { repo: options.repo, signal: options.signal })).filter((result) => tracked.has(result.path));
    context.search = results.length > 0 ? 'used' : 'empty';
  } catch (error) {
    if (isAbortError(error)) throw error;
    context.search = 'unavailable';
    context.note = error instanceof MinionsError ? error.message : String(error);
  }
  const add = (section: string): boolean => {
    const tokens = estimateTokens(section);
    if (context.tokens + tokens > options.budgetTokens) return false;
    context.sections.push(section);
    context.tokens += tokens;
    return true;
  };
  const named = pathsInText(prompt, options.tracked);
  const topFiles = [...new Set(results.map((result) => result.path))].slice(0, options.expandFiles ?? 3);
  for (const path of [...new Set([...named, ...topFiles])]) {
    context.files.push(path);
    const read = await readWorktreeFile(options.worktree, path);
    if (!read.ok && !read.missing) context.refused.push(read.error);
    const text = read.ok ? read.text : undefined;
    if (text === undefined || text.includes('\0')) continue;
    if (!add(`### ${path} (whole file)\n${fence(numbered(text, 1))}`)) {
      const result = results.find((candidate) => candidate.path === path);
      if (result) add(section(result));
    }
  }
  for (const result of results) {
    if (topFiles.includes(result.path) && context.sections.some((entry) => entry.startsWith(`### ${result.path} (whole file)`))) continue;
    if (add(section(result))) context.snippets += 1;
  }
  return context;
}

function section(result: QueryResult): string {
  return `### ${result.path}:${result.startLine}-${result.endLine} (${result.kind} ${result.symbol})\n${fence(numbered(result.snippet, result.startLine))}`;
}

function numbered(text: string, first: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const width = String(first + lines.length - 1).length;
  return lines.map((line, index) => `${String(first + index).padStart(width)}| ${line}`).join('\n');
}

function fence(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}
