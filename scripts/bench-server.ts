// HTTP server benchmark: `minions serve` in its own process (the product as shipped:
// default embedder, watcher, agent wired) serving a dev corpus's index, and autocannon in
// this process sending POST /v1/query with the corpus's dev-set queries in turn. Reports
// throughput and p50/p99 latency per mode and concurrency. Each run is bounded in time.
//   npm run bench:server [-- --corpus pino@9.11.0] [-- --duration 10] [-- --connections 1,8] [-- --modes text,hybrid]
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
  },
});
const duration = Number(values.duration);
const connectionCounts = values.connections.split(',').map(Number);
const modes = values.modes.split(',') as QueryMode[];

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
function serve(dataDir: string, repo: string): Promise<{ child: ChildProcess; address: string }> {
  const script = "const { main } = await import('./server/index.ts'); process.exitCode = await main(process.argv.slice(1));";
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, 'serve', '--port', '0', '--data-dir', dataDir, '--repo', repo, '--rate-limit', '0'], {
    env: { ...process.env, MINIONS_LOG_LEVEL: 'warn' },
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

const dataDir = await mkdtemp(join(tmpdir(), 'minions-bench-server-'));
let server: ChildProcess | undefined;
try {
  const seeded = await seed(dataDir, repositoryId);
  const started = performance.now();
  const running = await serve(dataDir, corpus);
  server = running.child;
  await waitUntilReady(running.address);
  const { repositories } = (await (await fetch(`${running.address}/v1/repositories`)).json()) as RepositoryList;
  const ready = repositories[0];
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}`);
  console.log(`${values.corpus}: ${ready?.files} files, ${ready?.chunks} chunks; index ${seeded ? 'copied from the seed and refreshed' : 'built'}; ready ${((performance.now() - started) / 1000).toFixed(1)} s after start`);
  console.log(`${queries.length} dev-set queries in turn, k=10; ${duration} s per run after a 2 s warm-up\n`);
  const sample = (await (await fetch(`${running.address}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ repo: corpus, query: queries[0], mode: 'hybrid' }) })).json()) as QueryResponse;
  if (!sample.results?.length) throw new Error(`the sample query found nothing: ${JSON.stringify(sample)}`);

  console.log('| mode | connections | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const mode of modes) {
    for (const connections of connectionCounts) {
      await load(running.address, corpus, queries, mode, connections, 2);
      const result = await load(running.address, corpus, queries, mode, connections, duration);
      const cells = [mode, connections, result.requests.total, result.requests.average.toFixed(1), result.latency.p50, result.latency.p99, result.latency.max, result.non2xx, result.errors + result.timeouts];
      console.log(`| ${cells.join(' | ')} |`);
    }
  }
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise<number | null>((resolve) => server?.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    console.log(`\nminions serve exited with ${await exited} on SIGTERM`);
  }
  await rm(dataDir, { recursive: true, force: true });
}
