// The symbol graph's cost (issue 12 part 2).
// 1. Index build time and table sizes, before and after, without the model: each variant
//    (a checkout of this repository) indexes the tree cold into a fresh data directory in a
//    process of its own, with a hashing embedder of zero cost, so what is timed is
//    everything but the model (discovery, parsing, chunking, tags, LanceDB writes, the
//    full-text index, optimisation) — the part the graph adds to. Variants run one after
//    the other, interleaved over the rounds.
//   npx tsx scripts/bench-graph.ts --variant before=<checkout> --variant after=. --tree bench-corpora/fastify@5.9.0 [--rounds 3]
// 2. Extraction time per file: every file of the tree parsed once, then its tags query
//    run on that tree, in this checkout.
//   npx tsx scripts/bench-graph.ts --extract <tree>
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type Parser from 'tree-sitter';
import type * as Indexer from '../indexer/index.js';

const { values } = parseArgs({ options: { variant: { type: 'string', multiple: true }, tree: { type: 'string' }, rounds: { type: 'string', default: '3' }, child: { type: 'string' }, extract: { type: 'string' } } });

/** A deterministic embedder that costs next to nothing: hashed words (the model is not what is measured). */
const hashingEmbedder = {
  modelId: 'bench-hashing',
  dimension: 64,
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((text) => {
      const vector = new Float32Array(64);
      for (const word of text.toLowerCase().split(/[^a-z0-9]+/).slice(0, 64)) if (word) vector[createHash('md5').update(word).digest()[0]! % 64]! += 1;
      return vector;
    });
  },
  async close(): Promise<void> {},
};

/** Child: one cold index of `tree` with the checkout's indexer; prints one JSON line. */
async function child(checkout: string, tree: string): Promise<void> {
  const indexer = (await import(pathToFileURL(join(checkout, 'indexer/index.js')).href)) as typeof Indexer;
  const data = await mkdtemp(join(tmpdir(), 'minions-bench-graph-'));
  try {
    const code = await indexer.openIndex({ dataDir: data, embedder: indexer.lazyEmbedder(async () => hashingEmbedder) });
    const repository = await code.repository(tree);
    let text = 0;
    let summary: { seconds: number; files: number; chunks: number } | undefined;
    for await (const event of repository.index()) {
      if (event.type === 'text-end') text = event.seconds;
      if (event.type === 'index-end') summary = event.summary;
    }
    const graph = await graphTimes(repository);
    let warm = 0;
    for await (const event of repository.index()) if (event.type === 'index-end') warm = event.summary.seconds;
    await code.close();
    const sizes: Record<string, number> = {};
    for (const name of await readdir(join(data, 'lancedb'))) {
      const kind = name.split('_')[0] ?? name;
      sizes[kind] = (sizes[kind] ?? 0) + Number(execFileSync('du', ['-sk', join(data, 'lancedb', name)], { encoding: 'utf8' }).split('\t')[0]) / 1024;
    }
    console.log(JSON.stringify({ ...summary, text, warm, sizes, graph }));
  } finally {
    await rm(data, { recursive: true, force: true });
  }
}

/** Reading the graph (cold, then from memory) and looking up the most referenced name, when the checkout has them. */
async function graphTimes(repository: Indexer.RepositoryIndex): Promise<{ cold: number; cached: number; lookup: number; name: string } | undefined> {
  if (typeof (repository as Partial<Indexer.RepositoryIndex>).fileGraphs !== 'function') return undefined;
  let started = performance.now();
  const graphs = await repository.fileGraphs();
  const cold = performance.now() - started;
  started = performance.now();
  await repository.fileGraphs();
  const cached = performance.now() - started;
  const counts = new Map<string, number>();
  for (const graph of graphs) for (const reference of graph.references) counts.set(reference.name, (counts.get(reference.name) ?? 0) + 1);
  const name = [...counts].sort((left, right) => right[1] - left[1])[0]?.[0] ?? 'main';
  await repository.symbols(name);
  started = performance.now();
  for (let round = 0; round < 5; round++) await repository.symbols(name);
  return { cold, cached, lookup: (performance.now() - started) / 5, name };
}

function runChild(checkout: string, tree: string): Promise<{ seconds: number; text: number; warm?: number; files: number; chunks: number; sizes: Record<string, number>; graph?: { cold: number; cached: number; lookup: number; name: string } }> {
  return new Promise((done, fail) => {
    const process_ = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--child', checkout, '--tree', tree], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    process_.stdout.on('data', (data: Buffer) => (output += data.toString()));
    process_.once('exit', (code) => (code === 0 ? done(JSON.parse(output.trim().split('\n').pop() ?? '{}')) : fail(new Error(`variant ${checkout} exited with ${code}`))));
  });
}

async function compare(): Promise<void> {
  const tree = resolve(values.tree ?? 'bench-corpora/fastify@5.9.0');
  const variants = (values.variant ?? []).map((spec) => {
    const [name, folder] = spec.split('=');
    if (!name || !folder) throw new Error(`--variant name=folder, not ${spec}`);
    return { name, folder: resolve(folder) };
  });
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; tree ${tree}\n`);
  console.log('| round | variant | files | chunks | text phase s | index s | chunks MB | symbols MB | files MB | fileGraphs cold / cached ms | symbols(name) ms | re-index unchanged s |');
  console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (let round = 1; round <= Number(values.rounds); round++) {
    for (const variant of round % 2 === 1 ? variants : [...variants].reverse()) {
      const result = await runChild(variant.folder, tree);
      const mb = (kind: string): string => (result.sizes[kind] === undefined ? '-' : (result.sizes[kind] as number).toFixed(1));
      const graph = result.graph ? [`${result.graph.cold.toFixed(0)} / ${result.graph.cached.toFixed(2)}`, `${result.graph.lookup.toFixed(1)} (${result.graph.name})`] : ['-', '-'];
      console.log(`| ${round} | ${variant.name} | ${result.files} | ${result.chunks} | ${result.text.toFixed(2)} | ${result.seconds.toFixed(2)} | ${mb('chunks')} | ${mb('symbols')} | ${mb('files')} | ${graph.join(' | ')} | ${result.warm?.toFixed(2) ?? '-'} |`);
    }
  }
}

/** Extraction per file: parse each file once, then time the tags query alone on its tree. */
async function extract(tree: string): Promise<void> {
  const { default: TreeSitter } = await import('tree-sitter');
  const { readFile } = await import('node:fs/promises');
  const { chunkPath, languageForPath } = await import('../indexer/index.js');
  const { extractTags } = await import('../indexer/graph/extract-tags.js');
  const parsers = new Map<string, Parser>();
  const times: number[] = [];
  let parse = 0;
  let rows = 0;
  for await (const result of chunkPath(resolve(tree))) {
    if (result.type !== 'file' || result.file.method !== 'symbols') continue;
    const spec = languageForPath(result.file.path);
    if (!spec) continue;
    let parser = parsers.get(spec.id);
    if (!parser) {
      parser = new TreeSitter();
      parser.setLanguage((await spec.grammar()) as Parser.Language);
      parsers.set(spec.id, parser);
    }
    const text = (await readFile(join(resolve(tree), result.file.path), 'utf8')).replace(/\r\n?/g, '\n');
    let started = performance.now();
    const parsed = parser.parse(text, null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 16) });
    parse += performance.now() - started;
    started = performance.now();
    const graph = await extractTags(spec, parsed, text, text.split('\n'));
    times.push(performance.now() - started);
    rows += graph.definitions.length + graph.references.length + graph.imports.length;
  }
  times.sort((left, right) => left - right);
  const total = times.reduce((sum, time) => sum + time, 0);
  const at = (share: number): string => (times[Math.min(times.length - 1, Math.floor(share * times.length))] ?? 0).toFixed(2);
  console.log(`| tree | files | rows | parse s | tags s | tags ms/file mean | p50 | p99 | max |`);
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  console.log(`| ${tree} | ${times.length} | ${rows} | ${(parse / 1000).toFixed(1)} | ${(total / 1000).toFixed(1)} | ${(total / times.length).toFixed(2)} | ${at(0.5)} | ${at(0.99)} | ${at(1)} |`);
}

if (values.child) await child(values.child, resolve(values.tree ?? ''));
else if (values.extract) await extract(values.extract);
else await compare();
