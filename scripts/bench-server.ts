// HTTP server benchmark: `minions serve` in its own process (the product as shipped:
// default embedder, watcher, agent wired) serving a dev corpus's index, and autocannon in
// this process sending POST /v1/query with the corpus's dev-set queries in turn. Reports
// throughput and p50/p99 latency per mode and concurrency. Each run is bounded in time.
//   npm run bench:server [-- --corpus pino@9.11.0] [-- --duration 10] [-- --connections 1,8] [-- --modes text,hybrid] [-- --query-batch 1,32]
// --query-batch starts one server per MINIONS_QUERY_BATCH value (1: no batching) and runs
// the variants in turn for each mode and concurrency, so they share the machine's state.
// The index comes from a copy of the seed data directory (bench-corpora/.data, read only)
// when it holds the corpus, else it is built from nothing (minutes).
import { spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon, { type Result } from 'autocannon';
import { resolveRepository } from '../indexer/index.js';
import type { QueryMode, QueryResponse, RepositoryList } from '../schemas/index.js';
import { ensurePackage } from './corpora.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'pino@9.11.0' },
    seed: { type: 'string', default: 'bench-corpora/.data' },
    'dev-set': { type: 'string', default: '../shared/bench/retrieval-dev.jsonl' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,8' },
    modes: { type: 'string', default: 'text,hybrid' },
    'query-batch': { type: 'string', default: '' },
  },
});
const duration = Number(values.duration);
const connectionCounts = values.connections.split(',').map(Number);
const modes = values.modes.split(',') as QueryMode[];
/** MINIONS_QUERY_BATCH of each server; '' is the environment's (or the default). */
const batchVariants = values['query-batch'] === '' ? [''] : values['query-batch'].split(',');

/** Copies the corpus's index (tables, meta, vector cache, converted model) out of the seed, if it has one. */
async function seed(dataDir: string, repositoryId: string): Promise<boolean> {
  const from = values.seed;
  if (!existsSync(join(from, 'repositories', `${repositoryId}.json`))) return false;
  const tables = ['chunks', 'files'].map((kind) => join('lancedb', `${kind}_${repositoryId}.lance`));
  const cache = join('lancedb', 'vectors_all_minilm_l6_v2_0_1_0.lance');
  for (const path of [...tables, cache, join('repositories', `${repositoryId}.json`), 'models']) {
    if (existsSync(join(from, path))) await cp(join(from, path), join(dataDir, path), { recursive: true });
  }
  return true;
}

/** Starts `minions serve` on an ephemeral port and resolves with its address. */
function serve(dataDir: string, repo: string, queryBatch: string): Promise<{ child: ChildProcess; address: string }> {
  const script = "const { main } = await import('./server/index.ts'); process.exitCode = await main(process.argv.slice(1));";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'serve', '--port', '0', '--data-dir', dataDir, '--repo', repo, '--rate-limit', '0'], {
    env: { ...process.env, MINIONS_LOG_LEVEL: 'warn', ...(queryBatch === '' ? {} : { MINIONS_QUERY_BATCH: queryBatch }) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /serving (http:\/\/\S+) /.exec(text);
      if (match?.[1]) resolve({ child, address: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`minions serve exited with ${code}`)));
  });
}

async function waitUntilReady(address: string): Promise<void> {
  for (;;) {
    const { repositories } = (await (await fetch(`${address}/v1/repositories`)).json()) as RepositoryList;
    const failed = repositories.find((repository) => repository.status === 'error');
    if (failed) throw new Error(`indexing failed: ${failed.error}`);
    if (repositories.length > 0 && repositories.every((repository) => repository.status === 'ready')) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One autocannon run against POST /v1/query, cycling through the queries. */
function load(address: string, repo: string, queries: string[], mode: QueryMode, connections: number, seconds: number): Promise<Result> {
  let next = 0;
  return autocannon({
    url: `${address}/v1/query`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ repo, query: queries[next++ % queries.length], k: 10, mode }) }),
      },
    ],
  });
}

const corpus = ensurePackage(values.corpus);
const { repositoryId } = await resolveRepository(corpus);
const name = values.corpus.split('@')[0];
const queries = (await readFile(values['dev-set'], 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { package: string; query: string })
  .filter((entry) => entry.package === name)
  .map((entry) => entry.query);
if (queries.length === 0) throw new Error(`no dev-set queries for ${name}`);

/** One `minions serve` under test: its MINIONS_QUERY_BATCH, process, address and data directory. */
interface Variant {
  queryBatch: string;
  child: ChildProcess;
  address: string;
  dataDir: string;
}

/** Starts a server on a fresh copy of the seed and waits until its index is ready. */
async function startVariant(queryBatch: string): Promise<Variant & { seeded: boolean; readyMs: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'minions-bench-server-'));
  const seeded = await seed(dataDir, repositoryId);
  const started = performance.now();
  const running = await serve(dataDir, corpus, queryBatch);
  const variant = { queryBatch, dataDir, ...running };
  variants.push(variant);
  await waitUntilReady(running.address);
  return { ...variant, seeded, readyMs: performance.now() - started };
}

async function stop(variant: Variant): Promise<void> {
  if (variant.child.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => variant.child.once('exit', (code) => resolve(code)));
    variant.child.kill('SIGTERM');
    console.log(`minions serve${variant.queryBatch === '' ? '' : ` (query batch ${variant.queryBatch})`} exited with ${await exited} on SIGTERM`);
  }
  await rm(variant.dataDir, { recursive: true, force: true });
}

const variants: Variant[] = [];
try {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`);
  for (const queryBatch of batchVariants) {
    const started = await startVariant(queryBatch);
    const { repositories } = (await (await fetch(`${started.address}/v1/repositories`)).json()) as RepositoryList;
    const ready = repositories[0];
    const label = queryBatch === '' ? '' : ` (query batch ${queryBatch})`;
    console.log(`${values.corpus}${label}: ${ready?.files} files, ${ready?.chunks} chunks; index ${started.seeded ? 'copied from the seed and refreshed' : 'built'}; ready ${(started.readyMs / 1000).toFixed(1)} s after start`);
    const sample = (await (await fetch(`${started.address}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repo: corpus, query: queries[0], mode: 'hybrid' }) })).json()) as QueryResponse;
    if (!sample.results?.length) throw new Error(`the sample query found nothing: ${JSON.stringify(sample)}`);
  }
  console.log(`${queries.length} dev-set queries in turn, k=10; ${duration} s per run after a 2 s warm-up\n`);

  console.log('| mode | connections | query batch | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of modes) {
    for (const connections of connectionCounts) {
      for (const variant of variants) {
        await load(variant.address, corpus, queries, mode, connections, 2);
        const result = await load(variant.address, corpus, queries, mode, connections, duration);
        const cells = [mode, connections, variant.queryBatch === '' ? 'default' : variant.queryBatch, result.requests.total, result.requests.average.toFixed(1), result.latency.p50, result.latency.p99, result.latency.max, result.non2xx, result.errors + result.timeouts];
        console.log(`| ${cells.join(' | ')} |`);
      }
    }
  }
} finally {
  console.log('');
  for (const variant of variants) await stop(variant);
}
