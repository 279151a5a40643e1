import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LanceStore } from '../../indexer/index.js';
import type { IndexEvent } from '../../schemas/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { writeTree } from '../support/file-tree.js';
import { describeDifference, readIndexState } from './watch/index-state.js';

const childEntry = fileURLToPath(new URL('./index-child.ts', import.meta.url));

/** Where a kill lands: at the first event that matches, the child held there (`step`) or running on. */
interface KillPoint {
  name: string;
  at: (event: IndexEvent) => boolean;
  step: boolean;
  /** Files rewritten after the kill, before the next run. */
  rewrite: number;
}

/** One indexing process: runs until its event matches `point.at`, then is killed with SIGKILL; without a point, runs to its end. */
async function runChild(root: string, data: string, point?: KillPoint): Promise<{ events: IndexEvent[]; signal: NodeJS.Signals | null; stderr: string }> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', childEntry, root, data, ...(point?.step ? ['--step'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const events: IndexEvent[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const event = JSON.parse(line) as IndexEvent;
    events.push(event);
    if (point?.at(event) && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    else if (point?.step) child.stdin?.write('go\n');
  });
  const { signal } = await exited;
  return { events, signal, stderr };
}

/** Kills during the text phase, between the phases and during the vector phase, held at an event or landing wherever the process has got to. */
const killPoints: KillPoint[] = [
  { name: 'during the text phase (held after a batch)', at: (event) => event.type === 'batch-end' && event.filesDone >= 4, step: true, rewrite: 1 },
  // Nothing changes before the next run: it only continues the embedding.
  { name: 'between text and vectors', at: (event) => event.type === 'text-end', step: true, rewrite: 0 },
  { name: 'during the vector phase (held after a page)', at: (event) => event.type === 'vectors-progress' && event.done >= 16, step: true, rewrite: 1 },
  // Every file changes after this one, so the next run has pages left when it is killed after its first.
  { name: 'during the text phase (running on)', at: (event) => event.type === 'scan-end', step: false, rewrite: 10 },
  { name: 'during the vector phase (running on)', at: (event) => event.type === 'vectors-progress' && event.done > 0, step: false, rewrite: 1 },
];

/** Files of four functions each, every name unique, each file importing the next and calling one of its functions (the symbol table gets definitions, references and imports). */
function tree(files: number, version: number): Record<string, string> {
  const result: Record<string, string> = {};
  for (let file = 0; file < files; file++) {
    const next = (file + 1) % files;
    const functions = ['read', 'write', 'merge', 'split'].map((verb) => `function ${verb}Record${file}v${version}(record) {\n  return checkRecord${next}(record.${verb}${file});\n}\n`);
    result[`src/module${file}.js`] = [`import { checkRecord${next} } from './module${next}.js';\n`, ...functions].join('\n');
  }
  return result;
}

test('kill -9 during the text phase, between the phases and during the vector phase: the next run continues without a rebuild', { timeout: 120_000 }, async (t) => {
  const folder = await mkdtemp(join(tmpdir(), 'minions-index-crash-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const root = await writeTree(join(folder, 'repo'), tree(10, 1));
  const data = join(folder, 'data');
  for (const [round, point] of killPoints.entries()) {
    const run = await runChild(root, data, point);
    assert.equal(run.signal, 'SIGKILL', `round ${round} (${point.name}): the child ended on its own; events ${run.events.map((event) => event.type).join(', ')}; ${run.stderr.slice(-1500)}`);
    assert.ok(!run.events.some((event) => event.type === 'index-rebuild'), `round ${round} (${point.name}): no rebuild`);
    // Files changed between two runs are indexed again by the next one.
    const next = tree(10, round + 2);
    for (let file = 0; file < point.rewrite; file++) await writeFile(join(root, `src/module${(round + file) % 10}.js`), next[`src/module${(round + file) % 10}.js`] as string);
  }
  const final = await runChild(root, data);
  const end = final.events.find((event) => event.type === 'index-end');
  assert.ok(end?.type === 'index-end', `the last run ends: ${final.stderr.slice(-1500)}`);
  assert.equal(end.summary.rebuilt, undefined);
  const store = await LanceStore.open(join(data, 'lancedb'));
  try {
    const dimension = new RecordingEmbedder().dimension;
    assert.equal(await describeDifference(store, root, dimension), undefined);
    assert.equal((await readIndexState(store, root, dimension)).unembedded, 0);
  } finally {
    store.close();
  }
});
