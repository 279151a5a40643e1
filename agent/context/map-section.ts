// The repo map of the first prompt: asked of CodeSearch.repoMap, personalised by the
// files in play, the identifiers the task names and the top hits' symbols, and laid out
// here within the map's share of the budget. Files the code section shows (whole or by
// snippets) are left out: the map adds what is around them.
import type { ContextSpan, QueryResult, RepoMap, RepoMapFile, RepoMapRequest } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import { estimateTokens } from '../limits.js';
import type { CodeSearch } from '../tools/tool.js';

/** The map section's heading. */
export const mapHeading = '# Repository map (other files ranked by relevance to the task, with their key definitions and line numbers)';

/** The map as laid out for the prompt: its text (heading included), tokens and spans; undefined when nothing fits or there is no map. */
export interface MapSection {
  text: string;
  tokens: number;
  spans: ContextSpan[];
}

/** The smallest budget the repo map request accepts. */
const minimumMapBudget = 64;

/**
 * Identifiers a task names: words written like code (camelCase, snake_case, dotted,
 * followed by `(`, or in backquotes), not plain English words.
 */
export function identifiersIn(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/`([^`\n]{1,200})`|([A-Za-z_$][\w$]*(?:(?:\.|::|#)[A-Za-z_$][\w$]*)*)(\()?/g)) {
    const word = match[1] ?? match[2] ?? '';
    const quoted = match[1] !== undefined;
    for (const part of word.split(/[^\w$]+/).filter((piece) => piece.length > 1)) {
      const codeLike = quoted || match[3] !== undefined || /[a-z][A-Z]|_|^[A-Z][a-z]+[A-Z]/.test(part) || /[.:#]/.test(word);
      if (codeLike && /^[A-Za-z_$]/.test(part)) found.add(part);
    }
  }
  return [...found].slice(0, 100);
}

/** The names of result symbols, whole and by their last segment (`Router.route` -> both). */
function symbolNames(results: readonly QueryResult[]): string[] {
  const names = new Set<string>();
  for (const result of results.slice(0, 10)) {
    if (result.symbol === '' || result.symbol.length > 256) continue;
    names.add(result.symbol);
    const last = result.symbol.split(/\.|::|#/).pop();
    if (last && last.length > 1) names.add(last);
  }
  return [...names];
}

/** The request that personalises the map: files in play, named identifiers and the top hits' symbols, the task text; the files shown already are excluded. */
export function mapRequest(task: string, files: readonly string[], results: readonly QueryResult[], budgetTokens: number, shown: ReadonlySet<string>): RepoMapRequest {
  const symbols = [...new Set([...identifiersIn(task), ...symbolNames(results)])].filter((name) => name.length <= 256).slice(0, 200);
  return {
    focusFiles: files.slice(0, 200),
    focusSymbols: symbols,
    text: task.slice(0, 16384),
    exclude: [...shown].slice(0, 200),
    budgetTokens: Math.min(65536, Math.max(minimumMapBudget, budgetTokens)),
  };
}

/** The map's files (those not shown already) and their layout within the budget. */
export interface BuiltMap {
  files: RepoMapFile[];
  section: MapSection | undefined;
}

/**
 * Asks for the map and lays it out within `budgetTokens`, leaving out `shown` files.
 * No `repoMap` on the search, or a failing one (no graph yet): undefined, and the
 * prompt goes without a map.
 */
export async function buildMap(search: CodeSearch, request: RepoMapRequest, shown: ReadonlySet<string>, budgetTokens: number, scope: { repo: string; signal: AbortSignal }): Promise<BuiltMap | undefined> {
  if (search.repoMap === undefined || budgetTokens < minimumMapBudget) return undefined;
  let map: RepoMap;
  try {
    // Asked for more than fits, since the files already shown are left out here.
    map = await search.repoMap({ ...request, budgetTokens: Math.min(65536, Math.max(minimumMapBudget, budgetTokens * 2)) }, scope);
  } catch (error) {
    if (isAbortError(error)) throw error;
    return undefined;
  }
  const files = map.files.filter((file) => !shown.has(file.path));
  return { files, section: layOutMap(files, budgetTokens) };
}

/** The map's files, best first, each with as many of its definitions as fit; a file that fits with none is left out. */
export function layOutMap(files: readonly RepoMapFile[], budgetTokens: number): MapSection | undefined {
  const blocks: string[] = [];
  const spans: ContextSpan[] = [];
  let used = estimateTokens(mapHeading) + 1;
  for (const file of files) {
    const lines: string[] = [];
    let cost = estimateTokens(file.path) + 1;
    for (const definition of file.definitions) {
      const line = `  ${definition.line}| ${definition.signature.split('\n')[0]?.trim() ?? definition.name}`;
      const tokens = estimateTokens(line) + 1;
      if (used + cost + tokens > budgetTokens) break;
      lines.push(line);
      cost += tokens;
    }
    if (lines.length === 0 && (file.definitions.length > 0 || used + cost > budgetTokens)) continue;
    blocks.push([file.path, ...lines].join('\n'));
    used += cost;
    const numbers = file.definitions.slice(0, lines.length).map((definition) => definition.line);
    spans.push({ path: file.path, startLine: numbers.length > 0 ? Math.max(1, Math.min(...numbers)) : 1, endLine: Math.max(1, ...numbers) });
  }
  // Counted line by line; the whole is measured too, and loses its last files until it fits.
  while (blocks.length > 0) {
    const text = `${mapHeading}\n${blocks.join('\n')}`;
    const tokens = estimateTokens(text);
    if (tokens <= budgetTokens) return { text, tokens, spans };
    blocks.pop();
    spans.pop();
  }
  return undefined;
}
