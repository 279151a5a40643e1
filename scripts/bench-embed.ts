// Embedding throughput of the default model's variants on the same chunk texts, in one
// process, interleaved round by round so a machine shared with other work slows every
// variant alike: fp32 and int8 (today's plan r3, and plan r2 without smoothing), texts
// sorted by length or in input order, one session of one or two intra-op threads, or two
// sessions (two worker threads) of one thread each.
//   npm run bench:embed [-- --corpus fastify@5.9.0] [-- --texts 384] [-- --call 128] [-- --rounds 2]
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkPath, createWorkerEmbedder, embeddingText, ensureMiniLmModel, type Embedder } from '../indexer/index.js';
import { locateMiniLmPackage } from '../indexer/embedding/index.js';
import { buildMiniLmFiles } from '../indexer/embedding/minilm-files.js';
import { ensureCorpus } from './corpora.js';

const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'fastify@5.9.0' },
    texts: { type: 'string', default: '384' },
    call: { type: 'string', default: '128' },
    rounds: { type: 'string', default: '2' },
  },
});
const callSize = Number(values.call);

/** An evenly spread sample of the texts the indexer embeds for the corpus, in the indexer's order. */
async function sampleTexts(root: string, count: number): Promise<{ texts: string[]; total: number }> {
  const all: string[] = [];
  for await (const result of chunkPath(root)) if (result.type === 'file') all.push(...result.file.chunks.map(embeddingText));
  const step = Math.max(1, all.length / count);
  const texts: string[] = [];
  for (let position = 0; Math.floor(position) < all.length && texts.length < count; position += step) texts.push(all[Math.floor(position)] as string);
  return { texts, total: all.length };
}

/** fp32, int8 with today's plan (r3), int8 with plan revision 2 (no smoothing). */
type Model = 'fp32' | 'int8' | 'int8-r2';

interface Variant {
  name: string;
  precision: Model;
  sortByLength: boolean;
  threads: number;
  sessions: number;
}

const variants: Variant[] = [
  // The fp32 path as issue 13 found it: one session, one thread.
  { name: 'fp32, 1 session x 1 thread', precision: 'fp32', sortByLength: true, threads: 1, sessions: 1 },
  { name: 'fp32, 1 session x 2 threads', precision: 'fp32', sortByLength: true, threads: 2, sessions: 1 },
  { name: 'int8 plan r2, 1 session x 2 threads', precision: 'int8-r2', sortByLength: true, threads: 2, sessions: 1 },
  { name: 'int8 plan r3, input order, 1 session x 2 threads', precision: 'int8', sortByLength: false, threads: 2, sessions: 1 },
  { name: 'int8 plan r3, 1 session x 1 thread', precision: 'int8', sortByLength: true, threads: 1, sessions: 1 },
  { name: 'int8 plan r3, 1 session x 2 threads (the default)', precision: 'int8', sortByLength: true, threads: 2, sessions: 1 },
  { name: 'int8 plan r3, 2 sessions x 1 thread', precision: 'int8', sortByLength: true, threads: 1, sessions: 2 },
];

/** A model folder of int8 plan revision 2: today's float projections, no smoothing. */
async function planRevision2(cacheDir: string): Promise<string> {
  const folder = join(cacheDir, 'int8-r2');
  const floatProjections = new Set(['encoder.layer.0.output.dense', 'encoder.layer.2.output.dense']);
  const files = await buildMiniLmFiles((await locateMiniLmPackage()).dir, 'bench', undefined, 'int8', { floatProjections });
  for (const [relative, content] of files) {
    await mkdir(dirname(join(folder, relative)), { recursive: true });
    await writeFile(join(folder, relative), content);
  }
  return folder;
}

/** Embeds the texts in calls of `callSize`; with several sessions, each takes every n-th call, concurrently. */
async function embedAll(sessions: readonly Embedder[], texts: readonly string[]): Promise<number> {
  const calls: string[][] = [];
  for (let start = 0; start < texts.length; start += callSize) calls.push(texts.slice(start, start + callSize));
  const started = performance.now();
  await Promise.all(sessions.map(async (session, lane) => {
    for (let call = lane; call < calls.length; call += sessions.length) await session.embed(calls[call] as string[]);
  }));
  return (performance.now() - started) / 1000;
}

/** Texts per second of the tokenizer alone (the model's tokenizer.json, as the embedder loads it). */
async function tokenizerRate(modelDir: string, texts: readonly string[]): Promise<number> {
  const { AutoTokenizer, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${dirname(modelDir)}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(basename(modelDir), { local_files_only: true });
  const started = performance.now();
  for (const text of texts) tokenizer.encode(text);
  return texts.length / ((performance.now() - started) / 1000);
}

const cacheDir = await mkdtemp(join(tmpdir(), 'minions-bench-embed-'));
try {
  const { texts, total } = await sampleTexts(ensureCorpus(values.corpus), Number(values.texts));
  const folders: Record<Model, string> = {
    fp32: await ensureMiniLmModel(cacheDir, { precision: 'fp32' }),
    int8: await ensureMiniLmModel(cacheDir, { precision: 'int8' }),
    'int8-r2': await planRevision2(cacheDir),
  };
  const loaded = new Map<Variant, Embedder[]>();
  for (const variant of variants) {
    const options = { modelDir: folders[variant.precision], allowRemote: false, threads: variant.threads, sortByLength: variant.sortByLength };
    loaded.set(variant, await Promise.all(Array.from({ length: variant.sessions }, () => createWorkerEmbedder(options))));
  }
  const seconds = new Map<Variant, number[]>(variants.map((variant) => [variant, []]));
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round += 1) {
    for (const variant of variants) seconds.get(variant)?.push(await embedAll(loaded.get(variant) ?? [], texts));
  }
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; ${texts.length} of the ${total} chunk texts of ${values.corpus}, calls of ${callSize}, batches of 32, ${rounds} rounds interleaved\n`);
  console.log('| variant | chunks/s (best round) | chunks/s (each round) | vs fp32 1 x 1 | vs fp32 1 x 2 |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const rate = (time: number): number => texts.length / time;
  const best = (variant: Variant): number => rate(Math.min(...(seconds.get(variant) ?? [Infinity])));
  const reference = best(variants[0] as Variant);
  const twoThreads = best(variants[1] as Variant);
  for (const variant of variants) {
    const each = (seconds.get(variant) ?? []).map((time) => rate(time).toFixed(1)).join(', ');
    console.log(`| ${variant.name} | ${best(variant).toFixed(1)} | ${each} | ${(best(variant) / reference).toFixed(2)}x | ${(best(variant) / twoThreads).toFixed(2)}x |`);
  }
  const tokenizing = await tokenizerRate(folders.int8, texts);
  console.log(`\nTokenizer alone: ${tokenizing.toFixed(0)} texts/s, ${((100 * best(variants[5] as Variant)) / tokenizing).toFixed(1)}% of the time of "${variants[5]?.name}".`);
  for (const sessions of loaded.values()) await Promise.all(sessions.map((session) => session.close()));
} finally {
  await rm(cacheDir, { recursive: true, force: true });
}
