// Watcher benchmarks (issue 4), on the product's code path (`watchRepository`, `queryRepository`,
// the default embedder all-MiniLM-L6-v2 in its worker thread) with a temporary data directory:
//  1. save-to-searchable latency of one-file edits, polled with text and vector queries;
//  2. branch switches between two published versions of a package committed to a git repository;
//  3. idle CPU and RSS of a watcher process (a child process each) over a large tree.
// The vector cache and converted model are copied from the seed data directory (read only) when it
// has them, so the first index of a corpus copy embeds nothing it embedded before.
//   npm run bench:watch [-- --corpus fastify@5.9.0] [-- --edits 50] [-- --branches undici@8.6.0..undici@8.7.0]
//     [-- --idle-tree /usr/share/go-1.19/src] [-- --idle-seconds 60] [-- --seed bench-corpora/.data] [-- --data-dir DIR]
//     [-- --parts edits,branches,idle]
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { LanceStore, chunkPath, createDefaultEmbedder, createPathFilter, discoverFiles, indexRepository, queryRepository, resolveRepository, watchRepository, type Embedder } from '../indexer/index.js';
import type { WatchEvent } from '../schemas/index.js';
import { ensurePackage } from './corpora.js';

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    corpus: { type: 'string', default: 'fastify@5.9.0' },
    edits: { type: 'string', default: '50' },
    branches: { type: 'string', default: 'undici@8.6.0..undici@8.7.0,fastify@5.8.5..fastify@5.9.0' },
    'idle-tree': { type: 'string', multiple: true },
    'idle-seconds': { type: 'string', default: '60' },
    seed: { type: 'string', default: 'bench-corpora/.data' },
    'data-dir': { type: 'string' },
    parts: { type: 'string', default: 'edits,branches,idle' },
    'idle-child': { type: 'string' },
    embedder: { type: 'string', default: 'default' },
  },
});
const parts = new Set(values.parts.split(','));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const fixed = (value: number, digits = 0): string => value.toFixed(digits);

/** Nearest-rank percentile of some values. */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** A watcher running in the background: its events as they come, with the `performance.now()` of their arrival. */
class WatchTap {
  readonly events: { event: WatchEvent; receivedAt: number }[] = [];
  private readonly controller = new AbortController();
  private notify: (() => void) | undefined;
  private ended = false;
  private readonly done: Promise<void>;

  constructor(root: string, options: { store: LanceStore; embedder: Embedder; metaFolder: string }) {
    this.done = (async () => {
      try {
        for await (const event of watchRepository(root, { ...options, signal: this.controller.signal })) {
          this.events.push({ event, receivedAt: performance.now() });
          if (event.type === 'watch-error') console.error(`watch-error: ${event.message}`);
          this.notify?.();
        }
      } finally {
        this.ended = true;
        this.notify?.();
      }
    })();
  }

  /** The first event from index `from` on that passes `test`, waiting for it up to `timeoutMs`. */
  async waitFor(from: number, test: (event: WatchEvent) => boolean, timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    for (let index = from; ; ) {
      for (; index < this.events.length; index++) if (test(this.events[index]!.event)) return index;
      if (this.ended) throw new Error('the watcher stopped');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no matching watcher event within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.notify = () => (clearTimeout(timer), resolve());
      });
    }
  }

  /** Resolves once no event has come for `ms`. */
  async quiet(ms: number): Promise<void> {
    for (let count = -1; count !== this.events.length; ) {
      count = this.events.length;
      await sleep(ms);
    }
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.done;
  }
}

const ofType = <T extends WatchEvent['type']>(type: T) => (event: WatchEvent) => event.type === type;
type EventOf<T extends WatchEvent['type']> = Extract<WatchEvent, { type: T }>;
function eventsOf<T extends WatchEvent['type']>(tap: WatchTap, type: T, from = 0): EventOf<T>[] {
  return tap.events.slice(from).flatMap(({ event }) => (event.type === type ? [event as EventOf<T>] : []));
}

/** A deterministic hashed bag-of-words embedder: no model, for trees too large to embed here. */
function createHashedEmbedder(dimension = 64): Embedder {
  const vector = (text: string): Float32Array => {
    const values = new Float32Array(dimension);
    for (const word of text.toLowerCase().match(/[a-z0-9_]+/g) ?? []) {
      let hash = 2166136261;
      for (let index = 0; index < word.length; index++) hash = Math.imul(hash ^ word.charCodeAt(index), 16777619);
      values[(hash >>> 1) % dimension]! += hash & 1 ? 1 : -1;
    }
    const norm = Math.hypot(...values) || 1;
    return values.map((value) => value / norm);
  };
  return { modelId: `bench-hashed-words-${dimension}`, dimension, embed: async (texts) => texts.map(vector), close: async () => {} };
}

/** Wraps an embedder so that a text it embedded once costs nothing again (queries polled in a loop). */
function memoized(embedder: Embedder): Embedder {
  const known = new Map<string, Float32Array>();
  return {
    modelId: embedder.modelId,
    dimension: embedder.dimension,
    close: () => embedder.close(),
    async embed(texts, options) {
      const missing = texts.filter((text) => !known.has(text));
      const vectors = missing.length > 0 ? await embedder.embed(missing, options) : [];
      missing.forEach((text, index) => known.set(text, vectors[index]!));
      return texts.map((text) => known.get(text)!);
    },
  };
}

interface Context {
  dataDir: string;
  store: LanceStore;
  metaFolder: string;
  embedder: Embedder;
}

/** The data directory: given, or temporary; seeded with the vector cache and converted model when they are missing. */
async function prepareDataDir(): Promise<{ dataDir: string; temporary: boolean }> {
  const given = values['data-dir'];
  const dataDir = given ?? (await mkdtemp(join(tmpdir(), 'minions-bench-watch-')));
  for (const path of [join('lancedb', 'vectors_all_minilm_l6_v2_0_1_0.lance'), 'models']) {
    if (existsSync(join(values.seed, path)) && !existsSync(join(dataDir, path))) await cp(join(values.seed, path), join(dataDir, path), { recursive: true });
    else if (!existsSync(join(dataDir, path))) console.log(`(no ${path} in ${values.seed}: first indexes embed everything, minutes for fastify)`);
  }
  return { dataDir, temporary: given === undefined };
}

/** A fresh copy of a corpus under the data directory (always at the same path, so a kept data directory is reused). */
async function copyCorpus(spec: string, dataDir: string): Promise<string> {
  const target = join(dataDir, 'work', spec);
  await rm(target, { recursive: true, force: true });
  await cp(ensurePackage(spec), target, { recursive: true, preserveTimestamps: true });
  return target;
}

async function startWatch(root: string, context: Context): Promise<{ tap: WatchTap; files: number; chunks: number; embedded: number; seconds: number }> {
  const tap = new WatchTap(root, context);
  await tap.waitFor(0, ofType('watch-ready'), 60 * 60 * 1000);
  const summary = eventsOf(tap, 'index-end')[0]?.summary;
  return { tap, files: summary?.files ?? 0, chunks: summary?.chunks ?? 0, embedded: summary?.embedded ?? 0, seconds: summary?.seconds ?? 0 };
}

interface Target {
  path: string;
  /** 0-based line of the function's opening line (the one ending in `{`), as chunked, and its text. */
  line: number;
  text: string;
  endLine: number;
}

/** Functions and methods of the corpus's source (not tests, docs, examples or types), spread over its files. */
async function pickTargets(root: string, count: number): Promise<Target[]> {
  const byFile = new Map<string, Target[]>();
  const secondary = /(^|\/)(test|tests|benchmarks?|examples?|docs?|fixtures?|types?)\/|\.d\.ts$/;
  for await (const result of chunkPath(root)) {
    if (result.type !== 'file' || secondary.test(result.file.path) || !['javascript', 'typescript'].includes(result.file.language)) continue;
    const lines = (await readFile(join(root, result.file.path), 'utf8')).split('\n');
    for (const chunk of result.file.chunks) {
      if ((chunk.kind !== 'function' && chunk.kind !== 'method') || chunk.part || chunk.endLine - chunk.startLine < 4) continue;
      const open = [0, 1, 2, 3].map((offset) => chunk.startLine - 1 + offset).find((index) => lines[index]?.trimEnd().endsWith('{'));
      if (open === undefined || open + 2 >= chunk.endLine) continue;
      const list = byFile.get(chunk.path) ?? [];
      list.push({ path: chunk.path, line: open, text: lines[open]!, endLine: chunk.endLine });
      byFile.set(chunk.path, list);
    }
  }
  // Round robin over the files, each file's functions in a fixed shuffled order.
  const queues = [...byFile.values()].map((list) => list.sort((a, b) => ((a.line * 7919) % 101) - ((b.line * 7919) % 101)));
  const targets: Target[] = [];
  for (let round = 0; targets.length < count && queues.some((queue) => queue.length > round); round++) {
    for (const queue of queues) if (queue[round] && targets.length < count) targets.push(queue[round]!);
  }
  return targets;
}

/** A token no source contains, made of letters only so that the text search keeps it whole. */
function token(index: number): string {
  let state = (index + 1) * 2654435761;
  let text = 'zq';
  for (let position = 0; position < 10; position++) {
    state = Math.imul(state ^ (state >>> 15), 2246822519) >>> 0;
    text += String.fromCharCode(97 + (state % 26));
  }
  return text;
}

interface EditResult {
  /** Batches from the save until the watcher was quiet again (a settle recheck is a second one). */
  batches: number;
  textMs: number;
  vectorMs: number;
  polls: number;
  queryMs: number;
  waitedMs: number;
  batchTextMs: number;
  batchVectorMs: number;
  batchTotalMs: number;
  embedded: number;
  optimizedBefore: boolean;
}

/** One edit: a statement inserted at the top of a function body, then text and vector queries polled until both find it. */
async function editOnce(tap: WatchTap, context: Context, queryEmbedder: Embedder, root: string, target: Target, index: number): Promise<EditResult> {
  const file = join(root, target.path);
  const lines = (await readFile(file, 'utf8')).split('\n');
  const open = lines.indexOf(target.text, target.line); // earlier edits above it shifted it down
  if (open < 0) throw new Error(`${target.path}: line ${target.line + 1} changed under the benchmark`);
  const indent = /^\s*/.exec(lines[open + 1] ?? '')?.[0] || `${/^\s*/.exec(target.text)?.[0] ?? ''}  `;
  const marker = token(index);
  lines.splice(open + 1, 0, `${indent}const editMarker = '${marker}'`);
  const content = lines.join('\n');
  const vectorQuery = lines.slice(open, Math.min(open + 20, target.endLine + 1)).join('\n');
  await queryEmbedder.embed([vectorQuery]); // before the save: polling must not queue behind the watcher's embedding
  const from = tap.events.length;
  const started = performance.now();
  await writeFile(file, content);
  let textMs: number | undefined;
  let vectorMs: number | undefined;
  let polls = 0;
  let querying = 0;
  while (textMs === undefined || vectorMs === undefined) {
    if (performance.now() - started > 60_000) throw new Error(`edit ${index + 1} of ${target.path} not searchable after 60 s`);
    polls++;
    const before = performance.now();
    if (textMs === undefined) {
      const hits = await queryRepository({ repo: root, query: marker, mode: 'text', k: 10 }, context);
      if (hits.some((hit) => hit.path === target.path)) textMs = performance.now() - started;
    }
    if (vectorMs === undefined) {
      const request = { repo: root, query: vectorQuery, mode: 'vector' as const, k: 10, filters: { pathPrefix: target.path } };
      const hits = await queryRepository(request, { ...context, embedder: queryEmbedder });
      if (hits.some((hit) => hit.path === target.path && hit.snippet.includes(marker))) vectorMs = performance.now() - started;
    }
    querying += performance.now() - before;
    await sleep(3);
  }
  const start = await tap.waitFor(from, (event) => event.type === 'watch-batch-start' && event.paths.includes(target.path), 10_000);
  const batch = (tap.events[start]!.event as EventOf<'watch-batch-start'>).batch;
  const end = await tap.waitFor(start, (event) => event.type === 'watch-batch-end' && event.batch === batch, 60_000);
  const ended = tap.events[end]!.event as EventOf<'watch-batch-end'>;
  await tap.quiet(250);
  const batches = eventsOf(tap, 'watch-batch-start', from).length;
  return {
    batches,
    textMs,
    vectorMs,
    polls,
    queryMs: querying / polls,
    waitedMs: (tap.events[start]!.event as EventOf<'watch-batch-start'>).waitedMs,
    batchTextMs: ended.textMs,
    batchVectorMs: ended.vectorMs,
    batchTotalMs: ended.totalMs,
    embedded: ended.embedded,
    optimizedBefore: tap.events.slice(from, start).some(({ event }) => event.type === 'watch-optimized'),
  };
}

async function benchEdits(context: Context): Promise<void> {
  const root = await copyCorpus(values.corpus, context.dataDir);
  const { tap, files, chunks, embedded, seconds } = await startWatch(root, context);
  console.log(`\n### Edits: ${values.corpus} (${files} files, ${chunks} chunks; startup index ${fixed(seconds, 1)} s, ${embedded} embedded)\n`);
  const queryEmbedder = memoized(context.embedder);
  const results: EditResult[] = [];
  try {
    const targets = await pickTargets(root, Number(values.edits));
    for (const [index, target] of targets.entries()) results.push(await editOnce(tap, context, queryEmbedder, root, target, index));
  } finally {
    await tap.stop();
  }
  const rows: [string, (result: EditResult) => number, number][] = [
    ['save -> text query finds it (polled)', (result) => result.textMs, 0],
    ['save -> vector query finds it (polled)', (result) => result.vectorMs, 0],
    ['watcher: debounce wait (`waitedMs`)', (result) => result.waitedMs, 0],
    ['watcher: text phase (`textMs`)', (result) => result.batchTextMs, 0],
    ['watcher: vector phase (`vectorMs`)', (result) => result.batchVectorMs, 0],
    ['watcher: batch total (`totalMs`)', (result) => result.batchTotalMs, 0],
    ['one poll (text + vector query), ms', (result) => result.queryMs, 1],
    ['chunks embedded per edit', (result) => result.embedded, 0],
    ['batches per edit', (result) => result.batches, 0],
  ];
  console.log(`| ${results.length} edits | p50 | p95 | mean | max |\n| --- | ---: | ---: | ---: | ---: |`);
  for (const [label, pick, digits] of rows) {
    const list = results.map(pick);
    const mean = list.reduce((sum, value) => sum + value, 0) / list.length;
    console.log(`| ${label} | ${fixed(percentile(list, 50), digits)} | ${fixed(percentile(list, 95), digits)} | ${fixed(mean, digits)} | ${fixed(Math.max(...list), digits)} |`);
  }
  const optimized = results.flatMap((result, index) => (result.optimizedBefore ? [`#${index + 1} (text ${fixed(result.textMs)} ms, vector ${fixed(result.vectorMs)} ms)`] : []));
  console.log(`\nEdits whose batch waited for an index optimisation: ${optimized.join(', ') || 'none'}.`);
}

const git = (cwd: string, ...args: string[]) => run('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', '-c', 'commit.gpgsign=false', ...args], { cwd, maxBuffer: 1 << 26 });
const branchName = (spec: string): string => spec.replace('@', '-');

/** A git repository with one branch per version (the newer checked out), and the paths that differ between them. */
async function makeBranches(dataDir: string, older: string, newer: string): Promise<{ root: string; changed: string[] }> {
  const root = join(dataDir, 'work', `${older}+${newer}`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await git(root, 'init', '-q', '-b', branchName(older));
  for (const [index, spec] of [older, newer].entries()) {
    if (index > 0) {
      await git(root, 'checkout', '-q', '-b', branchName(spec));
      for (const entry of await readdir(root)) if (entry !== '.git') await rm(join(root, entry), { recursive: true, force: true });
    }
    await cp(ensurePackage(spec), root, { recursive: true, preserveTimestamps: true });
    // Packed files all carry the same mtime: git would take a same-size change for no change.
    await rm(join(root, '.git', 'index'), { force: true });
    await git(root, 'add', '-A');
    await git(root, 'commit', '-q', '-m', spec);
  }
  const { stdout } = await git(root, 'diff', '--no-renames', '--name-only', branchName(older), branchName(newer));
  return { root, changed: stdout.split('\n').filter(Boolean) };
}

/** Whether the manifest lists exactly the files discovery finds, with their size and mtime, and no chunk waits for its vector. */
async function convergence(root: string, context: Context): Promise<{ converged: boolean; paths: Set<string> }> {
  const { repositoryId } = await resolveRepository(root);
  const tables = await context.store.repository(repositoryId, context.embedder.dimension, false);
  const rows = (await tables.files.query().select(['path', 'size', 'mtime_ms']).toArray()) as { path: string; size: number; mtime_ms: number }[];
  const manifest = new Map(rows.map((row) => [row.path, row]));
  const paths = new Set<string>();
  let matches = true;
  for await (const entry of discoverFiles(root)) {
    if (entry.type !== 'file') continue;
    paths.add(entry.path);
    const row = manifest.get(entry.path);
    if (row?.size !== entry.size || row.mtime_ms !== entry.mtimeMs) matches = false;
  }
  const pending = await tables.chunks.countRows('embedded = false');
  return { converged: matches && manifest.size === paths.size && pending === 0, paths };
}

/** `git checkout`, then batch ends until the index converges; counts what the batches of the switch did. */
async function switchTo(tap: WatchTap, context: Context, root: string, branch: string, seen: Set<string>): Promise<string[]> {
  const from = tap.events.length;
  const started = performance.now();
  await git(root, 'checkout', '-q', branch);
  const gitMs = performance.now() - started;
  let convergedAt = 0;
  for (let next = from; ; ) {
    const lastEnd = tap.events.slice(from).findLast(({ event }) => event.type === 'watch-batch-end')?.receivedAt ?? started;
    const state = await convergence(root, context);
    if (state.converged) {
      for (const path of state.paths) seen.add(path);
      convergedAt = Math.max(lastEnd, started + gitMs);
      break;
    }
    next = (await tap.waitFor(next, ofType('watch-batch-end'), 10 * 60 * 1000)) + 1;
  }
  const upToConvergence = tap.events.slice(from).filter(({ receivedAt }) => receivedAt <= convergedAt);
  const before = upToConvergence.filter(({ event }) => event.type === 'watch-batch-start').length;
  const textAt = upToConvergence.findLast(({ event }) => event.type === 'text-ready')?.receivedAt ?? convergedAt;
  await tap.quiet(1500);
  const ends = eventsOf(tap, 'watch-batch-end', from);
  const sum = (pick: (event: EventOf<'watch-batch-end'>) => number): number => ends.reduce((total, event) => total + pick(event), 0);
  const errors = eventsOf(tap, 'watch-error', from).length;
  const batches = `${before}${ends.length > before ? ` (+${ends.length - before} after)` : ''}`;
  return [fixed(gitMs), fixed((textAt - started) / 1000, 2), fixed((convergedAt - started) / 1000, 2), batches, `${sum((event) => event.changed)} / ${sum((event) => event.deleted)}`, `${sum((event) => event.chunks)}`, `${sum((event) => event.embedded)}`, `${sum((event) => event.cached)}`, `${errors}`];
}

async function benchBranches(context: Context): Promise<void> {
  console.log('\n### Branch switches\n');
  console.log('| repository | switch to | N files changed (indexed) | git checkout ms | text-searchable s | converged s | batches | files re-chunked / deleted | chunks written | embedded | from cache | errors |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const notes: string[] = [];
  for (const pair of values.branches.split(',')) {
    const [older, newer] = pair.split('..') as [string, string];
    const { root, changed } = await makeBranches(context.dataDir, older, newer);
    const { tap, chunks, embedded } = await startWatch(root, context);
    const seen = new Set<string>();
    const rows: string[][] = [];
    try {
      for (const spec of [older, newer, older]) rows.push([spec, ...(await switchTo(tap, context, root, branchName(spec), seen))]);
    } finally {
      await tap.stop();
    }
    const indexed = changed.filter((path) => seen.has(path)).length;
    for (const row of rows) console.log(`| ${older}..${newer} | ${row[0]} | ${changed.length} (${indexed}) | ${row.slice(1).join(' | ')} |`);
    notes.push(`${older}..${newer}: the watcher started on ${newer} (${chunks} chunks, ${embedded} embedded at startup).`);
  }
  console.log(`\n${notes.join('\n')}`);
}

/** Watches on this process's inotify descriptors (Linux), from `/proc`. */
async function inotifyWatches(): Promise<number | undefined> {
  try {
    let count = 0;
    for (const fd of await readdir('/proc/self/fd')) {
      if ((await readlink(`/proc/self/fd/${fd}`).catch(() => '')) !== 'anon_inode:inotify') continue;
      count += (await readFile(`/proc/self/fdinfo/${fd}`, 'utf8')).split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    }
    return count;
  } catch {
    return undefined;
  }
}

/** Folders and files under the root that the watcher's filter lets in (what chokidar watches). */
async function countWatched(root: string): Promise<{ directories: number; watchedFiles: number }> {
  const filter = await createPathFilter(root);
  const counts = { directories: 0, watchedFiles: 0 };
  const walk = async (relative: string): Promise<void> => {
    counts.directories++;
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory() && !filter.excludes(path, 'directory')) await walk(path);
      else if (entry.isFile() && !filter.excludes(path, 'file')) counts.watchedFiles++;
    }
  };
  await walk('');
  return counts;
}

/** The child process of the idle benchmark: watch a tree, then sample CPU with nothing changing; prints one JSON line. */
async function idleChild(tree: string, dataDir: string): Promise<void> {
  const store = await LanceStore.open(join(dataDir, 'lancedb'));
  const embedder = values.embedder === 'hashed' ? createHashedEmbedder() : await createDefaultEmbedder({ cacheDir: dataDir });
  const context = { dataDir, store, metaFolder: join(dataDir, 'repositories'), embedder };
  const started = performance.now();
  const { tap, files, chunks } = await startWatch(tree, context);
  const readySeconds = (performance.now() - started) / 1000;
  await sleep(3000);
  const events = tap.events.length;
  const percent = (usage: NodeJS.CpuUsage, ms: number): number => ((usage.user + usage.system) / 1000 / ms) * 100;
  const first = process.cpuUsage();
  const firstAt = performance.now();
  const windows: number[] = [];
  for (let last = first, lastAt = firstAt; lastAt - firstAt < Number(values['idle-seconds']) * 1000; ) {
    await sleep(5000);
    const [now, nowAt] = [process.cpuUsage(), performance.now()];
    windows.push(percent(process.cpuUsage(last), nowAt - lastAt));
    [last, lastAt] = [now, nowAt];
  }
  const cpu = percent(process.cpuUsage(first), performance.now() - firstAt);
  const result = {
    ...(await countWatched((await resolveRepository(tree)).root)),
    files,
    chunks,
    readySeconds,
    idleSeconds: (performance.now() - firstAt) / 1000,
    cpu,
    medianWindow: percentile(windows, 50),
    maxWindow: Math.max(...windows),
    rssMb: process.memoryUsage().rss / 2 ** 20,
    inotify: await inotifyWatches(),
    idleEvents: tap.events.length - events,
  };
  await tap.stop();
  await embedder.close();
  store.close();
  console.log(JSON.stringify(result));
}

async function benchIdle(dataDir: string): Promise<void> {
  const goTree = '/usr/share/go-1.19/src';
  const trees = (values['idle-tree'] ?? (existsSync(goTree) ? [goTree] : [])).map((tree) => ({ tree, label: tree, embedder: 'hashed' }));
  const corpus = join(dataDir, 'work', values.corpus);
  if (!existsSync(corpus)) await copyCorpus(values.corpus, dataDir);
  trees.push({ tree: corpus, label: `${values.corpus} (copy)`, embedder: 'default' });
  console.log(`\n### Idle watcher (a process of its own, ${values['idle-seconds']} s sampled after watch-ready + 3 s)\n`);
  console.log('| tree | embedder | files indexed | chunks | folders / files watched | inotify watches | index s | watch-ready s | CPU % | median / max 5-s CPU % | RSS MB | events while idle |');
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const script = fileURLToPath(import.meta.url);
  for (const { tree, label, embedder } of trees) {
    let indexSeconds = 0;
    if (embedder === 'hashed') {
      // Indexed here, not in the watcher's process (whose RSS is measured), by the product's indexer in larger write
      // batches than its default (fewer table versions: minutes less on a big tree); the watcher's startup pass then finds it current.
      const store = await LanceStore.open(join(dataDir, 'lancedb'));
      const options = { store, embedder: createHashedEmbedder(), metaFolder: join(dataDir, 'repositories'), batchChunks: 8192 };
      for await (const event of indexRepository(tree, options)) if (event.type === 'index-end') indexSeconds = event.summary.seconds;
      store.close();
    }
    const options = ['--idle-child', tree, '--embedder', embedder, '--data-dir', dataDir, '--idle-seconds', values['idle-seconds']];
    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, ...options], { maxBuffer: 1 << 26 });
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, number>;
    const name = embedder === 'hashed' ? 'hashed words (test)' : 'all-MiniLM-L6-v2';
    const row = [label, name, result.files, result.chunks, `${result.directories} / ${result.watchedFiles}`, result.inotify ?? 'n/a', embedder === 'hashed' ? fixed(indexSeconds, 1) : '-'];
    console.log(`| ${[...row, fixed(result.readySeconds!, 1), fixed(result.cpu!, 2), `${fixed(result.medianWindow!, 2)} / ${fixed(result.maxWindow!, 2)}`, fixed(result.rssMb!), result.idleEvents].join(' | ')} |`);
  }
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  const [one, five] = loadavg();
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'}, nproc ${cpus().length}, load average ${fixed(one!, 1)} / ${fixed(five!, 1)} at start`);
  const { dataDir, temporary } = await prepareDataDir();
  try {
    if (parts.has('edits') || parts.has('branches')) {
      const store = await LanceStore.open(join(dataDir, 'lancedb'));
      const embedder = await createDefaultEmbedder({ cacheDir: dataDir });
      const context: Context = { dataDir, store, metaFolder: join(dataDir, 'repositories'), embedder };
      try {
        if (parts.has('edits')) await benchEdits(context);
        if (parts.has('branches')) await benchBranches(context);
      } finally {
        await embedder.close();
        store.close();
      }
    }
    if (parts.has('idle')) await benchIdle(dataDir);
  } finally {
    if (temporary) await rm(dataDir, { recursive: true, force: true });
  }
  console.log(`\nWhole run: ${fixed((performance.now() - startedAt) / 1000)} s.`);
}

if (values['idle-child'] !== undefined) await idleChild(values['idle-child'], values['data-dir'] ?? '');
else await main();
