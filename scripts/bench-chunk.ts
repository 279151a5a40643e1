// Chunking benchmark: chunks real code nobody here wrote and compares it with the raw
// tree-sitter parse of the same files, which is the limit. Prints one table row a corpus.
//   npm run bench:chunk [-- --rounds 5] [-- --tree /path/to/large/tree]
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import Parser from 'tree-sitter';
import { chunkText, discoverFiles, languageForPath, readAndClassify } from '../indexer/index.js';
import { benchPackages, ensurePackage } from './corpora.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, tree: { type: 'string', multiple: true } } });
const rounds = Number(values.rounds);
const largeTrees = values.tree ?? ['/usr/share/go-1.19/src', '/usr/lib/python3.11'];

interface Loaded { path: string; text: string; bytes: number }

async function load(root: string): Promise<Loaded[]> {
  const files: Loaded[] = [];
  for await (const entry of discoverFiles(root)) {
    if (entry.type !== 'file' || !languageForPath(entry.path)) continue;
    const content = await readAndClassify(entry.absolutePath, entry.path);
    if (content.ok) files.push({ path: entry.path, text: content.text.replace(/\r\n?/g, '\n'), bytes: entry.size });
  }
  return files;
}

const parsers = new Map<string, Parser>();
async function rawParser(path: string): Promise<Parser> {
  const spec = languageForPath(path);
  if (!spec) throw new Error(`no grammar for ${path}`);
  let parser = parsers.get(spec.id);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage((await spec.grammar()) as Parser.Language);
    parsers.set(spec.id, parser);
  }
  return parser;
}

const median = (samples: number[]): number => [...samples].sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;

async function measure(name: string, root: string): Promise<void> {
  const files = await load(root);
  const megabytes = files.reduce((sum, file) => sum + file.bytes, 0) / 1e6;
  const rawTimes: number[] = [];
  const chunkTimes: number[] = [];
  let chunks = 0;
  for (let round = 0; round < rounds; round++) {
    let started = performance.now();
    for (const file of files) (await rawParser(file.path)).parse(file.text, null, { bufferSize: file.text.length * 2 + 16 });
    rawTimes.push(performance.now() - started);
    started = performance.now();
    chunks = 0;
    for (const file of files) chunks += (await chunkText(file.path, file.text)).chunks.length;
    chunkTimes.push(performance.now() - started);
  }
  const raw = median(rawTimes) / 1000;
  const chunk = median(chunkTimes) / 1000;
  const row = [name, files.length, megabytes.toFixed(1), (files.length / chunk).toFixed(0), (megabytes / chunk).toFixed(2), chunks, (chunks / chunk).toFixed(0), raw.toFixed(2), chunk.toFixed(2), (chunk / raw).toFixed(2)];
  console.log(`| ${row.join(' | ')} |`);
}

console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, median of ${rounds} rounds (raw parse and chunking alternate in each round)\n`);
console.log('| corpus | files | MB | files/s | MB/s | chunks | chunks/s | raw parse s | chunk s | chunk / parse |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const spec of benchPackages) await measure(spec, ensurePackage(spec));
for (const tree of largeTrees) {
  if (existsSync(tree)) await measure(tree, tree);
  else console.log(`| ${tree} | (missing: apt-get install golang-1.19-src, or pass --tree) |`);
}
