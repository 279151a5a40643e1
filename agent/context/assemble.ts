// The one assembly of the agent's first prompt, used by the context node, `minions
// context` and `POST /v1/context`, so what they show is what the model receives. Sections
// in order: task, rules, code, map, search note, repository. The budget covers the whole
// prompt: the task, the search note and the repository line are always there; of the
// rest, rules take at most a quarter, code comes first with the map's quarter held back,
// and the map gets that quarter plus whatever code left unused; it shows files the code
// section does not.
import type { ContextSection, ContextSpan, ContextResponse, TaskContinuation } from '../../schemas/index.js';
import { estimateTokens } from '../limits.js';
import type { CodeSearch } from '../tools/tool.js';
import { earlierRunSection } from './follow-up.js';
import { buildMap, layOutMap, mapRequest, type BuiltMap } from './map-section.js';
import { fitText, lineCount } from './prompt-text.js';
import { pathsInText, searchTask, selectCode, type CodeEntry } from './retrieval.js';
import { applicableRules, readRuleFiles, type RuleFile } from './rules.js';

/** What the assembly needs: where to search and read, the task, the budget. */
export interface AssembleOptions {
  search: CodeSearch;
  task: string;
  /** The folder files are read from, through the sandboxed reader: a task's worktree, or the repository itself (read only). */
  root: string;
  /** The user's repository, whose index is searched. */
  repo: string;
  /** Tracked files, relative to `root`. */
  tracked: readonly string[];
  /** Tokens the whole first prompt may take (`estimateTokens`); the task is always shown whole. */
  budget: number;
  signal: AbortSignal;
  /** Results asked of the index (default: one per 400 tokens of budget, 10 to 30), and how many of the top ones are candidates for a whole file (default 3). */
  k?: number;
  expandFiles?: number;
  /** A follow-up's earlier run on the branch: its prompt, summaries and diff follow the task, in at most a third of the budget. */
  earlier?: TaskContinuation | undefined;
}

/** The assembled first prompt: the API's shape, the prompt text, and what the context node reports. */
export interface AssembledContext {
  response: ContextResponse;
  /** The first prompt: the sections' texts joined by blank lines. */
  text: string;
  rules: RuleFile[];
  search: 'used' | 'unavailable' | 'empty';
  /** Why search is unavailable. */
  note?: string;
  snippets: number;
  /** Why files were not read (the sandboxed reader refused them). */
  refused: string[];
}

const codeHeading = '# Code that may be relevant (line-numbered; the numbers are not part of the files)';
const separatorTokens = 1;

/** Assembles the first prompt of a task within the budget. */
export async function assembleContext(options: AssembleOptions): Promise<AssembledContext> {
  const [ruleFiles, searched] = await Promise.all([
    readRuleFiles(options.root, options.tracked),
    searchTask(options.search, options.task, { repo: options.repo, tracked: options.tracked, k: options.k ?? resultsFor(options.budget), signal: options.signal }),
  ]);
  const topFiles = [...new Set(searched.results.map((result) => result.path))].slice(0, options.expandFiles ?? 3);
  const files = [...new Set([...pathsInText(options.task, options.tracked), ...topFiles])];
  const rules = applicableRules(ruleFiles.rules, files);
  const note = searched.search === 'unavailable'
    ? section('search', 'Code search', `# Code search\nCode search is unavailable for this repository (${searched.note ?? 'no index'}). Find your way with grep, list_dir and read_file.`, [])
    : undefined;
  const fixed: Fixed = {
    task: section('task', 'Task', `# Task\n${options.task}`, []),
    earlier: options.earlier ? section('earlier', 'Earlier run on this branch', earlierRunSection(options.earlier, Math.floor(options.budget / 3) * 3), []) : undefined,
    note,
    repository: section('repository', 'Repository', `# Repository\n${options.tracked.length} tracked files. Top level: ${topLevel(options.tracked).join(', ')}`, []),
  };
  const available = Math.max(0, options.budget - [fixed.task, fixed.earlier, fixed.note, fixed.repository].reduce((sum, entry) => sum + (entry ? entry.tokens + separatorTokens : 0), 0));

  const rulesSection = rulesOf(rules, Math.floor(available / 4));
  const hasMap = options.search.repoMap !== undefined && searched.search !== 'unavailable';
  const mapReserve = hasMap ? Math.floor(available / 4) : 0;
  // Code is measured in the whole prompt (without the map, whose share is held back).
  const measure = (entries: readonly CodeEntry[]): number => measured([fixed.task, fixed.earlier, rulesSection, codeOf(entries), fixed.note, fixed.repository]);
  const code = await selectCode(options.root, files, searched.results, (entries) => measure(entries) + mapReserve <= options.budget);
  const mapBudget = options.budget - measure(code.entries) - separatorTokens * 2;
  const shown = new Set(code.entries.map((entry) => entry.span.path));
  const map = hasMap ? await buildMap(options.search, mapRequest(options.task, files, searched.results, mapBudget, shown), shown, mapBudget, { repo: options.repo, signal: options.signal }) : undefined;
  const fitted = fitWhole(fixed, rulesSection, code.entries, map, options.budget);
  return {
    response: { budget: options.budget, tokens: fitted.tokens, files, sections: fitted.sections },
    text: fitted.text,
    rules,
    search: searched.search,
    ...(searched.note !== undefined ? { note: searched.note } : {}),
    snippets: fitted.entries.filter((entry) => !entry.whole).length,
    refused: [...ruleFiles.refused, ...code.refused],
  };
}

/** Results to ask for: a larger budget has room for the snippets of more of them. */
function resultsFor(budget: number): number {
  return Math.min(30, Math.max(10, Math.round(budget / 400)));
}

/** The sections that are always there. */
interface Fixed {
  task: ContextSection;
  earlier: ContextSection | undefined;
  note: ContextSection | undefined;
  repository: ContextSection;
}

/**
 * The prompt in order. Sections were fitted one by one; the whole (by its own count and
 * by the sum of its sections') is measured once more and trimmed from the map, then from
 * the last code entries, until it fits.
 */
function fitWhole(fixed: Fixed, rules: ContextSection | undefined, codeEntries: readonly CodeEntry[], built: BuiltMap | undefined, budget: number): { sections: ContextSection[]; text: string; tokens: number; entries: CodeEntry[] } {
  const entries = [...codeEntries];
  let map = built?.section;
  // Strictly shrinking, so the trim ends even when a layout's own count is above its limit.
  let mapLimit = map?.tokens ?? 0;
  for (;;) {
    const mapSection = map ? section('map', 'Repository map', map.text, map.spans) : undefined;
    const sections = [fixed.task, fixed.earlier, rules, codeOf(entries), mapSection, fixed.note, fixed.repository].filter((entry) => entry !== undefined);
    const text = sections.map((entry) => entry.text).join('\n\n');
    const tokens = estimateTokens(text);
    const over = measured(sections) - budget;
    if (over <= 0 || (map === undefined && entries.length === 0)) return { sections, text, tokens, entries };
    if (map) {
      mapLimit -= over + 1;
      map = layOutMap(built?.files ?? [], mapLimit);
    }
    else entries.pop();
  }
}

/** The tokens of a prompt made of these sections: its own estimate or the sum of its sections', whichever is larger. */
function measured(sections: readonly (ContextSection | undefined)[]): number {
  const present = sections.filter((entry) => entry !== undefined);
  return Math.max(estimateTokens(present.map((entry) => entry.text).join('\n\n')), present.reduce((sum, entry) => sum + entry.tokens, 0));
}

function section(kind: ContextSection['kind'], title: string, text: string, spans: ContextSpan[]): ContextSection {
  return { kind, title, text, tokens: estimateTokens(text), spans };
}

function rulesOf(rules: readonly RuleFile[], budgetTokens: number): ContextSection | undefined {
  if (rules.length === 0) return undefined;
  const body = rules.map((rule) => `## ${rule.path}${rule.globs ? ` (for ${rule.globs.join(', ')})` : ''}\n${rule.content}`).join('\n\n');
  const text = fitText(`# Repository rules (follow them)\n${body}`, budgetTokens);
  return text === undefined ? undefined : section('rules', 'Repository rules', text, rules.map((rule) => ({ path: rule.path, startLine: 1, endLine: lineCount(rule.content) })));
}

function codeOf(entries: readonly CodeEntry[]): ContextSection | undefined {
  if (entries.length === 0) return undefined;
  return section('code', 'Code that may be relevant', `${codeHeading}\n${entries.map((entry) => entry.text).join('\n\n')}`, entries.map((entry) => entry.span));
}

function topLevel(tracked: readonly string[]): string[] {
  const entries = new Set(tracked.map((path) => (path.includes('/') ? `${path.slice(0, path.indexOf('/'))}/` : path)));
  return [...entries].sort().slice(0, 40);
}
