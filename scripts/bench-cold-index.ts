// Cold index of a tree by the real command (`minions index`), for several builds side by
// side: each variant is a checkout with its dist/ built (run through its bin/), at the same time as the
// others on a fresh data directory (the converted model copied in, so no conversion is
// timed). Reports when the tree became searchable by text (the "Searchable by text" line;
// a build without it is searchable when it ends), when it was fully embedded, and the
// peak RSS of the process (VmHWM, polled; it counts the embedder's worker thread).
//   npx tsx scripts/bench-cold-index.ts --variant before=../other-checkout --variant after=. --tree bench-corpora/fastify@5.9.0 [--limit 600]
// With --limit (seconds) a variant still running is stopped (SIGINT) and reported with how far it got.
// --model-cache DIR keeps the converted model between runs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ensureMiniLmModel } from '../indexer/index.js';

const { values } = parseArgs({ options: { variant: { type: 'string', multiple: true }, tree: { type: 'string', multiple: true }, limit: { type: 'string' }, 'model-cache': { type: 'string' } } });
const variants = (values.variant ?? []).map((spec) => {
  const [name, folder] = spec.split('=');
  if (!name || !folder) throw new Error(`--variant name=folder, not ${spec}`);
  return { name, folder: resolve(folder) };
});
const limitMs = values.limit ? Number(values.limit) * 1000 : Number.POSITIVE_INFINITY;

interface Outcome {
  variant: string;
  textSeconds: number | undefined;
  endSeconds: number | undefined;
  lastProgress: string;
  peakMb: number;
}

/** Peak resident set size of a live process, in MB (0 once it is gone). */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

async function run(variant: { name: string; folder: string }, tree: string, models: string): Promise<Outcome> {
  const data = await mkdtemp(join(tmpdir(), `minions-cold-${variant.name}-`));
  await cp(models, join(data, 'models'), { recursive: true });
  const started = performance.now();
  // Through the launcher (bin/minions, which sets MALLOC_ARENA_MAX) where the build has one, as a user runs it.
  const launcher = join(variant.folder, 'bin/minions');
  const argv = ['index', tree, '--data-dir', data];
  const child = existsSync(launcher) ? spawn(launcher, argv, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [join(variant.folder, 'bin/minions.js'), ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const outcome: Outcome = { variant: variant.name, textSeconds: undefined, endSeconds: undefined, lastProgress: '', peakMb: 0 };
  const onLine = (line: string): void => {
    if (line.startsWith('Searchable by text')) outcome.textSeconds = (performance.now() - started) / 1000;
    if (line.includes('chunks')) outcome.lastProgress = line.trim();
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const poll = setInterval(() => void peakRss(child.pid ?? 0).then((mb) => (outcome.peakMb = Math.max(outcome.peakMb, mb))), 250);
  const stop = Number.isFinite(limitMs) ? setTimeout(() => child.kill('SIGINT'), limitMs) : undefined;
  const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)));
  clearInterval(poll);
  clearTimeout(stop);
  if (code === 0) outcome.endSeconds = (performance.now() - started) / 1000;
  await rm(data, { recursive: true, force: true });
  return outcome;
}

// The converted model is made once (in --model-cache when given, kept for the next run) and copied into each data directory.
const models = values['model-cache'] ? resolve(values['model-cache']) : join(await mkdtemp(join(tmpdir(), 'minions-cold-model-')), 'cache');
await ensureMiniLmModel(models);
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; variants run at the same time${Number.isFinite(limitMs) ? `, stopped after ${limitMs / 1000} s` : ''}\n`);
console.log('| tree | variant | text-searchable s | fully embedded s | peak RSS MB | last progress |');
console.log('| --- | --- | ---: | ---: | ---: | --- |');
for (const tree of values.tree ?? []) {
  const outcomes = await Promise.all(variants.map((variant) => run(variant, resolve(tree), join(models, 'models'))));
  for (const outcome of outcomes) {
    const text = outcome.textSeconds ?? outcome.endSeconds;
    console.log(`| ${tree} | ${outcome.variant} | ${text?.toFixed(1) ?? 'not yet'} | ${outcome.endSeconds?.toFixed(1) ?? 'not yet'} | ${outcome.peakMb.toFixed(0)} | ${outcome.lastProgress.replace(/\|/g, '/')} |`);
  }
}
