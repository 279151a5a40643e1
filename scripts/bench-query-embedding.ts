// Query embedding benchmark, the model alone (no server, no index): the dev-set queries of
// both dev sets embedded by the default embedder's worker thread, one text per call, from
// N concurrent callers, straight to the embedder and through `batchQueryEmbeddings`. The
// variants alternate in ABBA order, so a machine shared with other work weighs on both.
//   npx tsx scripts/bench-query-embedding.ts [--connections 1,8] [--rounds 6] [--seconds 2] [--data-dir bench-corpora/.data]
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { batchQueryEmbeddings, createWorkerEmbedder, ensureMiniLmModel, type Embedder } from '../indexer/index.js';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1,8' },
    rounds: { type: 'string', default: '6' },
    seconds: { type: 'string', default: '2' },
    'data-dir': { type: 'string', default: 'bench-corpora/.data' },
  },
});

/** The queries of both dev sets, in file order. */
async function devQueries(): Promise<string[]> {
  const files = ['../shared/bench/retrieval-dev.jsonl', '../shared/bench/retrieval-dev2.jsonl'];
  const lines = (await Promise.all(files.map((file) => readFile(file, 'utf8')))).join('\n').split('\n').filter(Boolean);
  return lines.map((line) => (JSON.parse(line) as { query: string }).query);
}

/** Queries per second from `connections` callers, each embedding one query after another for `ms`. */
async function throughput(embedder: Embedder, queries: string[], connections: number, ms: number): Promise<number> {
  let done = 0;
  let next = 0;
  const end = performance.now() + ms;
  const caller = async (): Promise<void> => {
    while (performance.now() < end) {
      await embedder.embed([queries[next++ % queries.length] as string]);
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: connections }, caller));
  return done / (ms / 1000);
}

const median = (numbers: number[]): number => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)] ?? 0;

const queries = await devQueries();
const worker = await createWorkerEmbedder({ modelDir: await ensureMiniLmModel(values['data-dir']), allowRemote: false });
const variants = { direct: worker, batched: batchQueryEmbeddings(worker) };
try {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; ${queries.length} queries; ${values.rounds} rounds of ${values.seconds} s per cell`);
  await throughput(worker, queries, 1, 1000);
  console.log('| connections | direct q/s (median) | batched q/s (median) | ratio |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const connections of values.connections.split(',').map(Number)) {
    const figures: Record<keyof typeof variants, number[]> = { direct: [], batched: [] };
    for (let round = 0; round < Number(values.rounds); round += 1) {
      // ABBA order: whichever runs second in a round is not always the same variant.
      const order = Object.entries(variants) as Array<[keyof typeof variants, Embedder]>;
      for (const [name, embedder] of round % 2 === 0 ? order : order.reverse()) {
        figures[name].push(await throughput(embedder, queries, connections, Number(values.seconds) * 1000));
      }
    }
    const [direct, batched] = [median(figures.direct), median(figures.batched)];
    console.log(`| ${connections} | ${direct.toFixed(1)} | ${batched.toFixed(1)} | ${(batched / direct).toFixed(2)} |`);
  }
} finally {
  await worker.close();
}
