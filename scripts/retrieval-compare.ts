// `bench:retrieval --compare '<ranking JSON>'`: the product's defaults against another
// ranking (usually the defaults before a change) in one process, quality and warm latency,
// each query run under both rankings back to back in alternating order, so machine load
// falls on both alike.
import type { RankingOptions } from '../indexer/index.js';
import type { QueryGroup, QueryMode, QueryResult } from '../schemas/index.js';
import { figureCells, fixed, percentile, row, score, signed, summarize, type DevQuery, type Scores } from './retrieval-figures.js';

/** One query run: the text, mode, group and ranking; answers the ranked results. */
export type RunQuery = (query: DevQuery, mode: QueryMode, group: QueryGroup, ranking: Partial<RankingOptions> | undefined) => Promise<QueryResult[]>;

const compared: { mode: QueryMode; group: QueryGroup }[] = [
  { mode: 'hybrid', group: 'chunk' },
  { mode: 'hybrid', group: 'file' },
  { mode: 'text', group: 'chunk' },
];

/** Prints quality (R@1, R@5, MRR...) and latency (p50, p95) under `baseline` and under the defaults, side by side. */
export async function printComparison(queries: readonly DevQuery[], baseline: Partial<RankingOptions>, run: RunQuery): Promise<void> {
  console.log(`\n### Defaults against ${JSON.stringify(baseline)} (one process, each query under both in alternating order)\n`);
  console.log('| mode | ranking | R@1 | R@5 | R@10 | All@10 | MRR | symbol@10 (queries) | p50 ms | p95 ms |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const { mode, group } of compared) {
    // A first pass warms both (tables, graph analysis, embeddings); the timed pass follows.
    for (const query of queries) for (const ranking of [baseline, undefined]) await run(query, mode, group, ranking);
    const scores: [Scores[], Scores[]] = [[], []];
    const times: [number[], number[]] = [[], []];
    for (const [index, query] of queries.entries()) {
      const order = index % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const started = performance.now();
        const results = await run(query, mode, group, which === 0 ? baseline : undefined);
        times[which]!.push(performance.now() - started);
        scores[which]!.push(score(query, results));
      }
    }
    const name = `${mode}${group === 'file' ? ' (group file)' : ''}`;
    for (const which of [0, 1] as const) {
      const sorted = [...times[which]].sort((left, right) => left - right);
      console.log(row([name, which === 0 ? 'baseline' : 'defaults', ...figureCells(summarize(scores[which])), percentile(sorted, 0.5).toFixed(1), percentile(sorted, 0.95).toFixed(1)]));
    }
    const [before, after] = [summarize(scores[0]), summarize(scores[1])];
    const p50 = (which: 0 | 1): number => percentile([...times[which]].sort((left, right) => left - right), 0.5);
    console.log(row([name, 'change', signed(after.r1 - before.r1), signed(after.r5 - before.r5), '', '', signed(after.mrr - before.mrr), '', `x${fixed(p50(1) / p50(0))}`, '']));
  }
}
