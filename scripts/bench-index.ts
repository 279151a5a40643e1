// Indexing throughput: a cold index of each corpus into a fresh data directory, next to
// the raw throughput of the same ONNX model on the same chunk texts in the same process
// (the limit), then a re-index of the unchanged corpus, and peak RSS.
//   npm run bench:index [-- --corpus pino@9.11.0] [-- --threads 1]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkPath, createTransformersEmbedder, createWorkerEmbedder, embeddingText, ensureMiniLmModel, lazyEmbedder, openIndex, type RepositoryIndex } from '../indexer/index.js';
import type { IndexSummary } from '../schemas/index.js';
import { benchPackages, ensurePackage } from './corpora.js';

const { values } = parseArgs({ options: { corpus: { type: 'string', multiple: true }, threads: { type: 'string', default: '1' } } });
const corpora = values.corpus ?? benchPackages;
const threads = Number(values.threads);

async function index(repository: RepositoryIndex): Promise<IndexSummary> {
  for await (const event of repository.index()) if (event.type === 'index-end') return event.summary;
  throw new Error('no summary');
}

/** The texts the indexer embeds for a corpus, in the same order. */
async function embeddingTexts(root: string): Promise<string[]> {
  const texts: string[] = [];
  for await (const result of chunkPath(root)) if (result.type === 'file') texts.push(...result.file.chunks.map(embeddingText));
  return texts;
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, embedding threads ${threads}\n`);
console.log('| corpus | files | chunks | cold index s | files/s | chunks/s | embedded/s | raw model texts/s | index / raw | re-index unchanged s | peak RSS MB |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const spec of corpora) {
  const root = ensurePackage(spec);
  const folder = await mkdtemp(join(tmpdir(), 'minions-bench-index-'));
  try {
    const modelDir = await ensureMiniLmModel(folder);
    // The product's path: the code index a command opens, with the worker embedder.
    const code = await openIndex({ dataDir: folder, embedder: lazyEmbedder(() => createWorkerEmbedder({ modelDir, allowRemote: false, threads })) });
    const repository = await code.repository(root);
    const cold = await index(repository);
    const warm = await index(repository);
    await code.close();
    const texts = await embeddingTexts(root);
    const raw = await createTransformersEmbedder({ modelDir, allowRemote: false, threads });
    await raw.embed(texts.slice(0, 8));
    const started = performance.now();
    for (let start = 0; start < texts.length; start += 128) await raw.embed(texts.slice(start, start + 128));
    const rawRate = texts.length / ((performance.now() - started) / 1000);
    await raw.close();
    const rss = process.resourceUsage().maxRSS / 1024;
    const embeddedRate = cold.embedded / cold.seconds;
    const row = [spec, cold.files, cold.chunks, cold.seconds.toFixed(1), (cold.files / cold.seconds).toFixed(1), (cold.chunks / cold.seconds).toFixed(1), embeddedRate.toFixed(1), rawRate.toFixed(1), (embeddedRate / rawRate).toFixed(2), warm.seconds.toFixed(2), rss.toFixed(0)];
    console.log(`| ${row.join(' | ')} |`);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
