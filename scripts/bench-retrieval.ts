// Retrieval benchmark: runs both retrieval dev sets (../shared/bench/README.md: 108 commit
// subjects over fastify, undici and pino; 132 over httpx, cobra and fd) through the
// product's query path and scores the FILES it ranks (each file at the rank of its best
// chunk). Prints Markdown tables, one section a dev set.
// Then context recall: the share of queries whose gold file lies inside the agent's
// assembled first prompt at 2k, 4k and 8k tokens (scripts/context-recall.ts).
//   npm run bench:retrieval [-- --data-dir bench-corpora/.data] [-- --tune [-- --sweep docsFactor]] [-- --corpus pino] [-- --dev-set FILE ...] [-- --context-only]
//   [-- --compare '{"centralityWeight":0}']  (the defaults against that ranking, quality and latency in one run)
import { cpus } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRanking, type CodeIndex, type RankingOptions } from '../indexer/index.js';
import type { QueryGroup, QueryMode, QueryResult } from '../schemas/index.js';
import { loadConfig } from '../server/config.js';
import { openCodeIndex } from '../server/runtime.js';
import { createIndexSearch } from '../server/agent-wiring.js';
import { contextRecall, printContextRecall } from './context-recall.js';
import { corpusFolder, ensureCorpus } from './corpora.js';
import { printComparison } from './retrieval-compare.js';
import { better, corpusOf, figureCells, fixed, percentile, readDevSet, row, score, signed, specOf, summarize, type DevQuery, type Figures, type Scores } from './retrieval-figures.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: 'bench-corpora/.data' },
    'dev-set': { type: 'string', multiple: true, default: ['../shared/bench/retrieval-dev.jsonl', '../shared/bench/retrieval-dev2.jsonl'] },
    tune: { type: 'boolean', default: false },
    corpus: { type: 'string', multiple: true },
    sweep: { type: 'string', multiple: true },
    'context-only': { type: 'boolean', default: false },
    compare: { type: 'string' },
  },
});
const dataDir = values['data-dir'];
const k = 50;
const modes: QueryMode[] = ['text', 'vector', 'hybrid'];
/** File-level BM25 baselines of each dev set (../shared/bench/README.md and issue 3) and the hybrid targets of issue 12. */
const baselines: Record<string, { r1: number; r5: number; mrr: number }> = {
  'retrieval-dev.jsonl': { r1: 0.454, r5: 0.769, mrr: 0.601 },
  'retrieval-dev2.jsonl': { r1: 0.439, r5: 0.856, mrr: 0.603 },
};
const targets = { r1: 0.6, mrr: 0.72 };

/** Checks that every corpus is unpacked and indexed; prints the command that builds a missing index. */
async function checkIndexes(runtime: CodeIndex, specs: readonly string[]): Promise<string[] | undefined> {
  const missing: string[] = [];
  const described: string[] = [];
  for (const spec of specs) {
    const meta = await (await runtime.repository(ensureCorpus(spec))).meta();
    if (meta) described.push(`${spec}: ${meta.files} files, ${meta.chunks} chunks, ${meta.model}`);
    else missing.push(`./bin/minions.js index bench-corpora/${spec} --data-dir ${dataDir}`);
  }
  if (missing.length > 0) {
    console.error(`No index for ${missing.length} corpus(es) in ${dataDir}. Build with:\n${missing.map((command) => `  ${command}`).join('\n')}`);
    return undefined;
  }
  return described;
}

/** Runs one query the way `minions query` does; `group: 'file'` ranks files (its results are their symbols in file order). */
async function search(runtime: CodeIndex, query: DevQuery, text: string, mode: QueryMode, size: number, ranking?: Partial<RankingOptions>, group?: QueryGroup): Promise<QueryResult[]> {
  const repository = await runtime.repository(corpusFolder(specOf(query)));
  return (await repository.query({ query: text, k: size, mode, ...(group ? { group } : {}) }, { ranking })).results;
}

const withBody = (query: DevQuery): string => (query.body.trim() === '' ? query.query : `${query.query}\n${query.body}`);

/** One configuration of the runs: a mode, the input, and symbols or files. */
interface Variant { mode: QueryMode; input: 'query' | 'query+body'; group: QueryGroup }
const variantName = (variant: Variant): string => `${variant.mode}${variant.group === 'file' ? ' (group file)' : ''}/${variant.input}`;
const variants: Variant[] = [
  ...modes.flatMap((mode) => (['query', 'query+body'] as const).map((input) => ({ mode, input, group: 'chunk' as const }))),
  { mode: 'hybrid', input: 'query', group: 'file' },
];

/** Scores of every query under one variant and ranking. */
async function scoresOf(runtime: CodeIndex, queries: readonly DevQuery[], variant: Variant, ranking?: Partial<RankingOptions>): Promise<Scores[]> {
  const scores: Scores[] = [];
  for (const query of queries) {
    const text = variant.input === 'query' ? query.query : withBody(query);
    // k counts chunks in symbol mode (50) and files in file mode (10 files hold every figure).
    scores.push(score(query, await search(runtime, query, text, variant.mode, variant.group === 'file' ? 10 : k, ranking, variant.group)));
  }
  return scores;
}

/** Main figures: every variant with the product's defaults. */
async function evaluate(runtime: CodeIndex, queries: readonly DevQuery[]): Promise<Map<string, Scores[]>> {
  const runs = new Map<string, Scores[]>();
  for (const variant of variants) runs.set(variantName(variant), await scoresOf(runtime, queries, variant));
  return runs;
}

function printQuality(queries: readonly DevQuery[], runs: Map<string, Scores[]>, baseline: { r1: number; r5: number; mrr: number }): void {
  const corpora = [...new Set(queries.map(corpusOf))];
  const main = variants.filter((variant) => variant.input === 'query');
  console.log(`\n### Quality (k = ${k} chunks, files ranked by their best chunk, or k = 10 files with group file; input: \`query\`)\n`);
  console.log('| corpus | mode | queries | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const scope of ['all', ...corpora]) {
    for (const variant of main) {
      const scores = (runs.get(variantName(variant)) ?? []).filter((_entry, index) => scope === 'all' || (queries[index] ? corpusOf(queries[index]) : '') === scope);
      console.log(row([scope, variantName(variant).split('/')[0] ?? '', scores.length, ...figureCells(summarize(scores))]));
    }
  }
  console.log('\nsymbol@10: share of queries with a chunk of a gold file whose symbol is a gold symbol (`name`, `*.name`, `*::name`, `*#name`) in the top 10 chunks; queries without gold symbols are left out of it.');
  console.log(`\n### Margin against the file-level BM25 baseline (R@1 ${baseline.r1}, R@5 ${baseline.r5}, MRR ${baseline.mrr}; hybrid targets R@1 >= ${targets.r1}, MRR >= ${targets.mrr})\n`);
  console.log('| mode | ΔR@1 | ΔR@5 | ΔMRR | targets |');
  console.log('| --- | --- | ---: | ---: | --- |');
  for (const variant of main) {
    const figures = summarize(runs.get(variantName(variant)) ?? []);
    const met = variant.mode === 'hybrid' ? `R@1 ${figures.r1 >= targets.r1 ? 'met' : 'missed'}, MRR ${figures.mrr >= targets.mrr ? 'met' : 'missed'}` : '';
    console.log(row([variantName(variant).split('/')[0] ?? '', signed(figures.r1 - baseline.r1), signed(figures.r5 - baseline.r5), signed(figures.mrr - baseline.mrr), met]));
  }
  const bodies = queries.filter((query) => query.body.trim() !== '').length;
  console.log(`\n### Input: \`query\` alone vs \`query\` + \`body\` (${bodies} of ${queries.length} queries have a body)\n`);
  console.log('| mode | input | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const variant of variants.filter((entry) => entry.group === 'chunk')) console.log(row([variant.mode, variant.input, ...figureCells(summarize(runs.get(variantName(variant)) ?? []))]));
}

/** Warm latency: every query ran once already; each is timed on a second pass. */
async function printLatency(runtime: CodeIndex, queries: readonly DevQuery[]): Promise<void> {
  console.log(`\n### Query latency (warm, k = ${k}, ${queries.length} queries a mode, one at a time)\n`);
  console.log('| mode | p50 ms | p95 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const variant of variants.filter((entry) => entry.input === 'query')) {
    const times: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      await search(runtime, query, query.query, variant.mode, variant.group === 'file' ? 10 : k, undefined, variant.group);
      times.push(performance.now() - started);
    }
    times.sort((left, right) => left - right);
    console.log(row([variantName(variant).split('/')[0] ?? '', percentile(times, 0.5).toFixed(1), percentile(times, 0.95).toFixed(1), (times.at(-1) ?? 0).toFixed(1)]));
  }
}

/** One knob swept with the others at their defaults, on the variant it acts on. */
interface Sweep { knob: 'docsFactor' | 'askedFactor' | 'secondaryFactor' | 'fileBonus' | 'definitionFactor' | 'centralityWeight' | 'neighbourFactor'; values: number[]; variant: Variant }
const hybridChunks: Variant = { mode: 'hybrid', input: 'query', group: 'chunk' };
const sweeps: Sweep[] = [
  { knob: 'docsFactor', values: [0.1, 0.2, 0.3, 0.5, 1], variant: hybridChunks },
  { knob: 'askedFactor', values: [0.5, 0.8, 1, 1.2, 1.5], variant: hybridChunks },
  { knob: 'secondaryFactor', values: [0.3, 0.5, 0.7], variant: hybridChunks },
  { knob: 'fileBonus', values: [0, 0.05, 0.1, 0.2, 0.35], variant: { mode: 'hybrid', input: 'query', group: 'file' } },
  // The graph factors (indexer/search/graph-ranking.ts).
  { knob: 'definitionFactor', values: [1, 1.1, 1.25, 1.5, 2], variant: hybridChunks },
  { knob: 'centralityWeight', values: [0, 0.05, 0.1, 0.2, 0.4], variant: hybridChunks },
  { knob: 'neighbourFactor', values: [1, 1.05, 1.1, 1.2, 1.4], variant: hybridChunks },
];

/**
 * `--tune`: each knob swept through the product's own query path (exact, no re-fusion
 * shortcut), then a leave-one-corpus-out check: the value best on the other corpora,
 * scored on the one left out, against the default.
 */
async function printTuning(runtime: CodeIndex, queries: readonly DevQuery[]): Promise<void> {
  const corpora = [...new Set(queries.map(corpusOf))];
  console.log('\n### Tuning (one knob at a time, the others at their defaults; hybrid)\n');
  console.log(`| knob | value | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) | ${corpora.map((name) => `MRR ${name}`).join(' | ')} |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ${corpora.map(() => '---:').join(' | ')} |`);
  const folds: string[] = [];
  for (const sweep of sweeps.filter((entry) => values.sweep === undefined || values.sweep.includes(entry.knob))) {
    const results: { value: number; scores: Scores[] }[] = [];
    for (const value of sweep.values) results.push({ value, scores: await scoresOf(runtime, queries, sweep.variant, { [sweep.knob]: value }) });
    const within = (scores: Scores[], names: readonly string[]): Figures => summarize(scores.filter((_entry, index) => names.includes(queries[index] ? corpusOf(queries[index]) : '')));
    for (const { value, scores } of results) {
      const marker = value === defaultRanking[sweep.knob] ? ' (default)' : '';
      console.log(row([sweep.knob, `${value}${marker}`, ...figureCells(summarize(scores)), ...corpora.map((name) => fixed(within(scores, [name]).mrr))]));
    }
    const standing = results.find((entry) => entry.value === defaultRanking[sweep.knob]);
    for (const test of corpora) {
      const train = corpora.filter((name) => name !== test);
      const chosen = [...results].sort((left, right) => better(within(left.scores, train), within(right.scores, train)))[0];
      if (!chosen || !standing) continue;
      folds.push(row([sweep.knob, train.join('+'), chosen.value, test, `${fixed(within(standing.scores, [test]).mrr)} → ${fixed(within(chosen.scores, [test]).mrr)}`]));
    }
  }
  console.log('\n### Leave-one-corpus-out check (best value on the other corpora, scored on the one left out)\n');
  console.log('| knob | tune on | best there | test on | test MRR default → tuned |');
  console.log('| --- | --- | ---: | --- | ---: |');
  for (const line of folds) console.log(line);
}

/** The whole benchmark, once every corpus is indexed. */
async function run(runtime: CodeIndex, queries: readonly DevQuery[], corpora: readonly string[], baseline: { r1: number; r5: number; mrr: number }): Promise<void> {
  console.log(`## Retrieval dev set: ${queries.length} queries\n\nnode ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; defaults ${JSON.stringify(defaultRanking)}`);
  for (const line of corpora) console.log(`- ${line}`);
  if (!values['context-only']) {
    const runs = await evaluate(runtime, queries);
    printQuality(queries, runs, baseline);
    await printLatency(runtime, queries);
    if (values.tune) await printTuning(runtime, queries);
    if (values.compare) await printComparison(queries, JSON.parse(values.compare) as Partial<RankingOptions>, (query, mode, group, ranking) => search(runtime, query, query.query, mode, group === 'file' ? 10 : k, ranking, group));
  }
  // The agent's own wiring: the index's query, and the repo map where the index has one.
  const codeSearch = createIndexSearch(runtime);
  printContextRecall(queries, await contextRecall(codeSearch, queries, (query) => corpusFolder(specOf(query))), codeSearch.repoMap !== undefined);
}

const runtime = await openCodeIndex(loadConfig(process.env, { dataDir }));
try {
  for (const file of values['dev-set']) {
    const queries = readDevSet(file, values.corpus);
    console.log(`\n# ${file}\n`);
    const corpora = await checkIndexes(runtime, [...new Set(queries.map(specOf))]);
    if (!corpora) process.exitCode = 1;
    else await run(runtime, queries, corpora, baselines[basename(file)] ?? { r1: 0, r5: 0, mrr: 0 });
  }
} finally {
  await runtime.close();
}
