// Context recall for the retrieval benchmark: the share of queries whose gold file lies
// inside the agent's assembled first prompt (agent/context/assemble.ts, the same code the
// context node runs) at a few token budgets. A gold file counts when a code section or the
// map shows it; "code only" counts code sections alone.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assembleContext, type CodeSearch } from '../agent/index.js';
import type { ContextResponse } from '../schemas/index.js';
import { corpusOf, fixed, row, type DevQuery } from './retrieval-figures.js';

/** The budgets of the benchmark, in tokens. */
export const recallBudgets = [2000, 4000, 8000];

/** Whether a query's gold file is shown: by any code or map section, and by code alone. */
export interface RecallScore { any: number; code: number; tokens: number }

/** Every file under a corpus folder, relative and `/`-separated (the corpora are not git repositories). */
export function filesUnder(root: string): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) found.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(root);
  return found.sort();
}

function scoreOf(query: DevQuery, response: ContextResponse): RecallScore {
  const gold = new Set(query.gold_files);
  const shown = (kinds: readonly string[]): number => Number(response.sections.some((section) => kinds.includes(section.kind) && section.spans.some((span) => gold.has(span.path))));
  return { any: shown(['code', 'map']), code: shown(['code']), tokens: response.tokens };
}

/** Assembles each query's context at each budget; scores per budget, in query order. */
export async function contextRecall(search: CodeSearch, queries: readonly DevQuery[], folderOf: (query: DevQuery) => string): Promise<Map<number, RecallScore[]>> {
  const scores = new Map<number, RecallScore[]>(recallBudgets.map((budget) => [budget, []]));
  const tracked = new Map<string, string[]>();
  const signal = new AbortController().signal;
  for (const query of queries) {
    const root = folderOf(query);
    if (!tracked.has(root)) tracked.set(root, filesUnder(root));
    for (const budget of recallBudgets) {
      const assembled = await assembleContext({ search, task: query.query, root, repo: root, tracked: tracked.get(root) ?? [], budget, signal });
      scores.get(budget)?.push(scoreOf(query, assembled.response));
    }
  }
  return scores;
}

/** Prints recall per budget (any section, code only, mean tokens), over all queries and per corpus. */
export function printContextRecall(queries: readonly DevQuery[], scores: Map<number, RecallScore[]>, withMap: boolean): void {
  const corpora = [...new Set(queries.map(corpusOf))];
  console.log(`\n### Context recall (gold file inside the assembled first prompt; input: \`query\`; ${withMap ? 'code and map' : 'no repo map wired: code only'})\n`);
  console.log(`| corpus | queries | ${recallBudgets.map((budget) => `@${budget / 1000}k | code only @${budget / 1000}k`).join(' | ')} | mean tokens @${(recallBudgets.at(-1) ?? 0) / 1000}k |`);
  console.log(`| --- | ---: | ${recallBudgets.map(() => '---: | ---:').join(' | ')} | ---: |`);
  for (const scope of ['all', ...corpora]) {
    const pick = (list: readonly RecallScore[]): RecallScore[] => list.filter((_entry, index) => scope === 'all' || (queries[index] ? corpusOf(queries[index]) : '') === scope);
    const mean = (list: readonly RecallScore[], key: keyof RecallScore): number => (list.length === 0 ? 0 : list.reduce((sum, entry) => sum + entry[key], 0) / list.length);
    const cells = recallBudgets.flatMap((budget) => {
      const list = pick(scores.get(budget) ?? []);
      return [fixed(mean(list, 'any')), fixed(mean(list, 'code'))];
    });
    const last = pick(scores.get(recallBudgets.at(-1) ?? 0) ?? []);
    console.log(row([scope, last.length, ...cells, Math.round(mean(last, 'tokens'))]));
  }
}
