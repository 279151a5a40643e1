// Retrieval benchmark: runs both retrieval dev sets (../shared/bench/README.md: 108 commit
// subjects over fastify, undici and pino; 132 over httpx, cobra and fd) through the
// product's query path and scores the FILES it ranks (each file at the rank of its best
// chunk). Prints Markdown tables, one section a dev set.
//   npm run bench:retrieval [-- --data-dir bench-corpora/.data] [-- --tune] [-- --corpus pino] [-- --dev-set FILE ...]
import { cpus } from 'node:os';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRanking, type CodeIndex, type Embedder, type RankingOptions } from '../indexer/index.js';
import { fuseCandidates, type FusionCandidate } from '../indexer/search/search.js';
import { isSecondaryPath } from '../indexer/store/rows.js';
import type { QueryMode, QueryResult } from '../schemas/index.js';
import { loadConfig } from '../server/config.js';
import { openCodeIndex } from '../server/runtime.js';
import { corpusFolder, ensureCorpus } from './corpora.js';
import { better, corpusOf, figureCells, fixed, percentile, readDevSet, row, score, signed, specOf, summarize, type DevQuery, type Figures, type Ranked, type Scores } from './retrieval-figures.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: 'bench-corpora/.data' },
    'dev-set': { type: 'string', multiple: true, default: ['../shared/bench/retrieval-dev.jsonl', '../shared/bench/retrieval-dev2.jsonl'] },
    tune: { type: 'boolean', default: false },
    corpus: { type: 'string', multiple: true },
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

/** Runs one query the way `minions query` does. */
async function search(runtime: CodeIndex, _embedder: Embedder, query: DevQuery, text: string, mode: QueryMode, size: number, ranking?: Partial<RankingOptions>): Promise<QueryResult[]> {
  const repository = await runtime.repository(corpusFolder(specOf(query)));
  return (await repository.query({ query: text, k: size, mode }, { ranking })).results;
}

const withBody = (query: DevQuery): string => (query.body.trim() === '' ? query.query : `${query.query}\n${query.body}`);

/** Main figures: every mode with the product's defaults, `query` alone and `query` + `body`. */
async function evaluate(runtime: CodeIndex, embedder: Embedder, queries: readonly DevQuery[]): Promise<Map<string, { scores: Scores[]; results: QueryResult[][] }>> {
  const runs = new Map<string, { scores: Scores[]; results: QueryResult[][] }>();
  for (const mode of modes) {
    for (const [input, textOf] of [['query', (query: DevQuery) => query.query], ['query+body', withBody]] as const) {
      const run = { scores: [] as Scores[], results: [] as QueryResult[][] };
      for (const query of queries) {
        const results = await search(runtime, embedder, query, textOf(query), mode, k);
        run.scores.push(score(query, results));
        run.results.push(results);
      }
      runs.set(`${mode}/${input}`, run);
    }
  }
  return runs;
}

function printQuality(queries: readonly DevQuery[], runs: Map<string, { scores: Scores[] }>, baseline: { r1: number; r5: number; mrr: number }): void {
  const packages = [...new Set(queries.map((query) => corpusOf(query)))];
  console.log(`\n### Quality (k = ${k} chunks, files ranked by their best chunk; input: \`query\`)\n`);
  console.log('| corpus | mode | queries | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const scope of ['all', ...packages]) {
    for (const mode of modes) {
      const scores = (runs.get(`${mode}/query`)?.scores ?? []).filter((_entry, index) => scope === 'all' || (queries[index] ? corpusOf(queries[index]) : '') === scope);
      const figures = summarize(scores);
      console.log(row([scope, mode, figures.queries, ...figureCells(figures)]));
    }
  }
  console.log('\nsymbol@10: share of queries with a chunk of a gold file whose symbol is a gold symbol (`name`, `*.name`, `*::name`, `*#name`) in the top 10 chunks; queries without gold symbols are left out of it.');
  console.log(`\n### Margin against the file-level BM25 baseline (R@1 ${baseline.r1}, R@5 ${baseline.r5}, MRR ${baseline.mrr}; hybrid targets R@1 >= ${targets.r1}, MRR >= ${targets.mrr})\n`);
  console.log('| mode | ΔR@1 | ΔR@5 | ΔMRR | targets |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const mode of modes) {
    const figures = summarize(runs.get(`${mode}/query`)?.scores ?? []);
    const met = mode === 'hybrid' ? `R@1 ${figures.r1 >= targets.r1 ? 'met' : 'missed'}, MRR ${figures.mrr >= targets.mrr ? 'met' : 'missed'}` : '';
    console.log(row([mode, signed(figures.r1 - baseline.r1), signed(figures.r5 - baseline.r5), signed(figures.mrr - baseline.mrr), met]));
  }
  const bodies = queries.filter((query) => query.body.trim() !== '').length;
  console.log(`\n### Input: \`query\` alone vs \`query\` + \`body\` (${bodies} of ${queries.length} queries have a body)\n`);
  console.log('| mode | input | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of modes) {
    for (const input of ['query', 'query+body']) console.log(row([mode, input, ...figureCells(summarize(runs.get(`${mode}/${input}`)?.scores ?? []))]));
  }
}

/** Warm latency: every query ran once already; each is timed on a second pass. */
async function printLatency(runtime: CodeIndex, embedder: Embedder, queries: readonly DevQuery[]): Promise<void> {
  console.log(`\n### Query latency (warm, k = ${k}, ${queries.length} queries a mode, one at a time)\n`);
  console.log('| mode | p50 ms | p95 ms | max ms |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const mode of modes) {
    const times: number[] = [];
    for (const query of queries) {
      const started = performance.now();
      await search(runtime, embedder, query, query.query, mode, k);
      times.push(performance.now() - started);
    }
    times.sort((left, right) => left - right);
    console.log(row([mode, percentile(times, 0.5).toFixed(1), percentile(times, 0.95).toFixed(1), (times.at(-1) ?? 0).toFixed(1)]));
  }
}

const candidateId = (result: QueryResult): string => `${result.path}:${result.startLine}-${result.endLine}`;

/** A query's candidate lists, fetched once, as fusion sees them. */
interface Cached { query: DevQuery; text: (FusionCandidate & Ranked)[]; vector: (FusionCandidate & Ranked)[] }

/**
 * Fetches each candidate list exactly as a hybrid query of k chunks does (k × candidateFactor
 * chunks, no demotion), through text and vector queries with secondaryFactor 1.
 */
async function fetchCandidates(runtime: CodeIndex, embedder: Embedder, queries: readonly DevQuery[]): Promise<Cached[]> {
  const size = Math.max(50, k * defaultRanking.candidateFactor);
  const raw = { secondaryFactor: 1, candidateFactor: 1 };
  const asCandidates = (results: QueryResult[], mode: QueryMode): (FusionCandidate & Ranked)[] => results.map((result) => ({
    id: candidateId(result),
    path: result.path,
    symbol: result.symbol,
    is_secondary: isSecondaryPath(result.path),
    ...(mode === 'text' ? { _score: result.score } : { _distance: 1 - result.score }),
  }));
  const cached: Cached[] = [];
  for (const query of queries) {
    const text = await search(runtime, embedder, query, query.query, 'text', size, raw);
    const vector = await search(runtime, embedder, query, query.query, 'vector', size, raw);
    cached.push({ query, text: asCandidates(text, 'text'), vector: asCandidates(vector, 'vector') });
  }
  return cached;
}

const fused = (entry: Cached, mode: QueryMode, ranking: RankingOptions): (FusionCandidate & Ranked)[] => fuseCandidates(entry.query.query, mode, entry.text, entry.vector, ranking).slice(0, k).map(({ hit }) => hit);
const figuresOf = (cached: readonly Cached[], mode: QueryMode, ranking: RankingOptions): Figures => summarize(cached.map((entry) => score(entry.query, fused(entry, mode, ranking))));

/** The grid: rrfK × textWeight × secondaryFactor for hybrid, secondaryFactor alone for text and vector. */
function grid(mode: QueryMode): RankingOptions[] {
  const secondary = [0.3, 0.5, 0.7, 1];
  if (mode !== 'hybrid') return secondary.map((secondaryFactor) => ({ ...defaultRanking, secondaryFactor }));
  return [5, 10, 20, 40, 60].flatMap((rrfK) => [0.5, 0.75, 1, 1.5, 2].flatMap((textWeight) => secondary.map((secondaryFactor) => ({ ...defaultRanking, rrfK, textWeight, secondaryFactor }))));
}

function best(cached: readonly Cached[], mode: QueryMode): { ranking: RankingOptions; figures: Figures }[] {
  return grid(mode).map((ranking) => ({ ranking, figures: figuresOf(cached, mode, ranking) })).sort((left, right) => better(left.figures, right.figures));
}

const describe = (mode: QueryMode, ranking: RankingOptions): string => (mode === 'hybrid' ? `rrfK ${ranking.rrfK}, textWeight ${ranking.textWeight}, secondaryFactor ${ranking.secondaryFactor}` : `secondaryFactor ${ranking.secondaryFactor}`);

/** Sanity check: re-fusing the cached lists with the defaults must give the product's own top k. */
function printReproduction(cached: readonly Cached[], runs: Map<string, { results: QueryResult[][] }>): void {
  const same = modes.map((mode) => {
    const product = runs.get(`${mode}/query`)?.results ?? [];
    const matches = (entry: Cached, index: number): boolean => {
      const ours = fused(entry, mode, defaultRanking).map((hit) => hit.id);
      return ours.join() === (product[index] ?? []).map(candidateId).join();
    };
    return `${mode} ${cached.filter(matches).length}/${cached.length}`;
  });
  console.log(`\nRe-fusing the cached lists with the defaults reproduces the product's top ${k} chunks for: ${same.join(', ')} queries.`);
}

function printTuning(cached: readonly Cached[]): void {
  console.log(`\n### Tuning (grid over all ${cached.length} queries, ordered by MRR then R@1)\n`);
  console.log('| mode | setting | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of modes) {
    const ranked = best(cached, mode);
    const defaults = figuresOf(cached, mode, defaultRanking);
    console.log(row([mode, `default (${describe(mode, defaultRanking)})`, ...figureCells(defaults)]));
    for (const entry of ranked.slice(0, mode === 'hybrid' ? 10 : ranked.length)) console.log(row([mode, describe(mode, entry.ranking), ...figureCells(entry.figures)]));
  }
  // Leave one corpus out: tune on the others, test on it.
  const corpora = [...new Set(cached.map((entry) => corpusOf(entry.query)))];
  const folds = corpora.map((test) => ({ train: corpora.filter((name) => name !== test), test: [test] }));
  console.log('\n### Leave-one-corpus-out check (tune on the other corpora, test on one)\n');
  console.log('| mode | tune on | best on tuning half | its MRR default → tuned | test on | test MRR default → tuned | test R@1 default → tuned | test MRR with the all-query best |');
  console.log('| --- | --- | --- | ---: | --- | ---: | ---: | ---: |');
  for (const mode of modes) {
    const overall = best(cached, mode)[0]?.ranking ?? defaultRanking;
    for (const fold of folds) {
      const train = cached.filter((entry) => fold.train.includes(corpusOf(entry.query)));
      const test = cached.filter((entry) => fold.test.includes(corpusOf(entry.query)));
      if (train.length === 0 || test.length === 0) continue;
      const chosen = best(train, mode)[0]?.ranking ?? defaultRanking;
      const tuning = `${fixed(figuresOf(train, mode, defaultRanking).mrr)} → ${fixed(figuresOf(train, mode, chosen).mrr)}`;
      const before = figuresOf(test, mode, defaultRanking);
      const after = figuresOf(test, mode, chosen);
      const global = figuresOf(test, mode, overall);
      console.log(row([mode, fold.train.join('+'), describe(mode, chosen), tuning, fold.test.join('+'), `${fixed(before.mrr)} → ${fixed(after.mrr)}`, `${fixed(before.r1)} → ${fixed(after.r1)}`, fixed(global.mrr)]));
    }
  }
}

/** The whole benchmark, once every corpus is indexed. */
async function run(runtime: CodeIndex, queries: readonly DevQuery[], corpora: readonly string[], baseline: { r1: number; r5: number; mrr: number }): Promise<void> {
  const embedder = await runtime.embedder();
  console.log(`## Retrieval dev set: ${queries.length} queries\n\nnode ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; defaults ${JSON.stringify(defaultRanking)}`);
  for (const line of corpora) console.log(`- ${line}`);
  const runs = await evaluate(runtime, embedder, queries);
  printQuality(queries, runs, baseline);
  await printLatency(runtime, embedder, queries);
  if (values.tune) {
    const cached = await fetchCandidates(runtime, embedder, queries);
    printReproduction(cached, runs);
    printTuning(cached);
  }
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
