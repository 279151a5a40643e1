// Memory of the indexer's own work on a large tree, without the model: indexes a tree into a
// fresh data directory with a hashing embedder (instant, 384 dimensions), so what is left is
// chunking, LanceDB's writes, compactions and caches. Prints RSS, the process's peak (VmHWM)
// and LanceDB's session caches at each phase and every `--every` pages of the vector phase.
// Run it through the launcher's setting to match `minions index`:
//   MALLOC_ARENA_MAX=2 npx tsx scripts/bench-index-memory.ts /usr/share/go-1.19/src [--every 10]
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LanceStore, indexRepository, type Embedder } from '../indexer/index.js';
import { storeCacheUse } from '../indexer/store/session.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { every: { type: 'string', default: '10' } } });
const tree = positionals[0];
if (tree === undefined) throw new Error('usage: bench-index-memory.ts <tree> [--every N]');
const every = Number(values.every);

/** Unit vectors from a text's SHA-256: the same text, the same vector; no model. */
const hashing: Embedder = {
  modelId: 'sha256-hash',
  dimension: 384,
  async embed(texts) {
    return texts.map((text) => {
      const digest = createHash('sha256').update(text).digest();
      const vector = new Float32Array(384);
      let norm = 0;
      for (let index = 0; index < 384; index++) norm += (vector[index] = (digest[index % 32]! - 127.5) / 127.5) ** 2;
      return vector.map((value) => value / Math.sqrt(norm));
    });
  },
  async close() {},
};

const megabytes = (kilobytes: number): number => Math.round(kilobytes / 1024);
function status(): string {
  const proc = readFileSync('/proc/self/status', 'utf8');
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(proc)?.[1] ?? 0);
  const cache = storeCacheUse();
  return `RSS ${megabytes(field('VmRSS'))} MB, peak ${megabytes(field('VmHWM'))} MB, JS heap ${Math.round(process.memoryUsage().heapUsed / 1048576)} MB, LanceDB caches ${Math.round(cache.bytes / 1048576)} MB`;
}

const data = await mkdtemp(join(tmpdir(), 'minions-index-memory-'));
const store = await LanceStore.open(join(data, 'lancedb'));
const started = performance.now();
const line = (what: string): void => console.log(`${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s  ${what.padEnd(34)} ${status()}`);
console.log(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '(glibc default)'}`);
try {
  let pages = 0;
  for await (const event of indexRepository(tree, { store, embedder: hashing, metaFolder: join(data, 'repositories') })) {
    if (event.type === 'scan-end') line(`scan: ${event.files} files`);
    else if (event.type === 'text-end') line(`text phase: ${event.chunks} chunks`);
    else if (event.type === 'vectors-progress' && event.done > 0 && (++pages % every === 0 || event.done === event.total)) line(`vectors ${event.done}/${event.total}`);
    else if (event.type === 'index-end') line('end (after the optimisation)');
  }
} finally {
  store.close();
  await rm(data, { recursive: true, force: true });
}
