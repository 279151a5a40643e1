import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LanceStore } from '../../../indexer/index.js';
import type { WatchEvent } from '../../../schemas/index.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { describeDifference, queryProblems } from './index-state.js';

const childEntry = fileURLToPath(new URL('./watch-child.ts', import.meta.url));

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A watcher process and the events it printed. */
class Child {
  readonly events: WatchEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private stderr = '';
  private readonly process: ChildProcess;
  private readonly listeners = new Set<(event: WatchEvent) => void>();

  constructor(root: string, data: string) {
    this.process = spawn(process.execPath, ['--import', 'tsx', childEntry, root, data], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.process.stderr?.on('data', (data: Buffer) => (this.stderr += data.toString()));
    createInterface({ input: this.process.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as WatchEvent;
      this.events.push(event);
      for (const listener of this.listeners) listener(event);
    });
  }

  /** Resolves with the first event (from now on) that matches, or undefined after `timeoutMs` or when the process exits. */
  next(predicate: (event: WatchEvent) => boolean, timeoutMs: number): Promise<WatchEvent | undefined> {
    return new Promise((resolve) => {
      const done = (event: WatchEvent | undefined): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(event);
      };
      const listener = (event: WatchEvent): void => {
        if (predicate(event)) done(event);
      };
      const timer = setTimeout(() => done(undefined), timeoutMs);
      this.listeners.add(listener);
      void this.exited.then(() => done(undefined));
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.process.kill(signal);
  }

  describe(): string {
    return `events: ${this.events.map((event) => event.type).join(', ')}; stderr: ${this.stderr.slice(-2000)}`;
  }
}

/** Edits the repository without pause: changes, creations, deletions, renames and folder deletions, in bursts. */
class Editor {
  private readonly files = new Set<string>();
  private counter = 0;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly root: string, private readonly next: () => number) {}

  async seed(count: number): Promise<void> {
    for (let index = 0; index < count; index++) await this.create(`dir${index % 4}/seed${index}.js`);
  }

  start(): void {
    this.stopped = false;
    this.running = (async () => {
      while (!this.stopped) {
        const burst = 1 + Math.floor(this.next() * 25);
        for (let index = 0; index < burst && !this.stopped; index++) await this.step();
        // A short quiet spell lets the watcher's debounce end a batch.
        await new Promise((resolve) => setTimeout(resolve, 20 + this.next() * 150));
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  private pick(): string | undefined {
    const all = [...this.files];
    return all[Math.floor(this.next() * all.length)];
  }

  private async step(): Promise<void> {
    try {
      await this.change();
    } catch (error) {
      // The editor is the workload, not what is tested: a lost race with itself is skipped.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private async change(): Promise<void> {
    const roll = this.next();
    const path = this.pick();
    if (path === undefined || roll < 0.25 || this.files.size < 15) return this.create(`dir${Math.floor(this.next() * 5)}/file${this.counter}.js`);
    if (roll < 0.65) return this.write(path);
    if (roll < 0.8) {
      this.files.delete(path);
      return rm(join(this.root, path), { force: true });
    }
    if (roll < 0.97) {
      const target = `dir${Math.floor(this.next() * 5)}/moved${++this.counter}.js`;
      await mkdir(dirname(join(this.root, target)), { recursive: true });
      await rename(join(this.root, path), join(this.root, target));
      this.files.delete(path);
      this.files.add(target);
      return;
    }
    const folder = path.slice(0, path.indexOf('/'));
    await rm(join(this.root, folder), { recursive: true, force: true });
    for (const known of [...this.files]) if (known.startsWith(`${folder}/`)) this.files.delete(known);
  }

  private async create(path: string): Promise<void> {
    await mkdir(dirname(join(this.root, path)), { recursive: true });
    await this.write(path);
    this.files.add(path);
  }

  private async write(path: string): Promise<void> {
    const version = ++this.counter;
    await writeFile(join(this.root, path), `function edit${version}() {\n  return 'version ${version} of ${path}';\n}\n`);
  }
}

/** Where a kill lands: 0-`delayMs` ms after the first event that matches `after`. */
interface KillPoint {
  name: string;
  after: (event: WatchEvent) => boolean;
  delayMs: number;
}

/** The kills, in turn: during the startup pass, as a batch starts, between its two phases, at a random moment of watching. */
const killPoints: KillPoint[] = [
  { name: 'startup reconciliation', after: (event) => event.type === 'index-start', delayMs: 40 },
  { name: 'batch start', after: (event) => event.type === 'watch-batch-start', delayMs: 0 },
  { name: 'between text and vectors', after: (event) => event.type === 'text-ready', delayMs: 0 },
  { name: 'inside a batch', after: (event) => event.type === 'watch-batch-start', delayMs: 30 },
  { name: 'any moment of watching', after: (event) => event.type === 'watch-ready', delayMs: 1500 },
];

test('kill -9 at random moments while files change; a restart converges to the disk without a rebuild', { timeout: 60_000 }, async (t) => {
  const seed = Number(process.env.MINIONS_CRASH_SEED ?? Date.now() % 100_000);
  const next = random(seed);
  const folder = await mkdtemp(join(tmpdir(), 'minions-watch-crash-'));
  t.after(() => rm(folder, { recursive: true, force: true }));
  const root = join(folder, 'repo');
  const data = join(folder, 'data');
  const editor = new Editor(root, next);
  await editor.seed(30);
  const landed: string[] = [];
  for (const [round, point] of killPoints.entries()) {
    const child = new Child(root, data);
    if (round > 0) editor.start();
    const seen = await child.next(point.after, 8_000);
    if (point.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, next() * point.delayMs));
    const last = child.events.at(-1)?.type ?? 'nothing yet';
    child.kill('SIGKILL');
    const exit = await child.exited;
    assert.equal(exit.signal, 'SIGKILL', `round ${round} (seed ${seed}): the watcher died on its own; ${child.describe()}`);
    landed.push(`${point.name}${seen ? '' : ' (no event)'} -> last event ${last}`);
    await editor.stop();
  }
  t.diagnostic(`seed ${seed}; kills (point -> last event printed): ${landed.join(' | ')}`);

  const final = new Child(root, data);
  const ready = await final.next((event) => event.type === 'watch-ready', 15_000);
  assert.ok(ready, `the final run did not become ready; ${final.describe()}`);
  final.kill('SIGTERM');
  assert.deepEqual(await final.exited, { code: 0, signal: null }, `SIGTERM ends the watcher cleanly; ${final.describe()}`);
  assert.equal(final.events.filter((event) => event.type === 'index-rebuild').length, 0, 'no full rebuild');
  assert.equal(final.events.filter((event) => event.type === 'watch-error').length, 0, final.describe());
  const end = final.events.find((event) => event.type === 'index-end');
  if (end?.type === 'index-end') t.diagnostic(`final reconciliation: ${JSON.stringify({ ...end.summary, root: undefined, repositoryId: undefined })}`);

  const store = await LanceStore.open(join(data, 'lancedb'));
  t.after(() => store.close());
  const embedder = new RecordingEmbedder();
  assert.equal(await describeDifference(store, root, embedder.dimension), undefined, `seed ${seed}`);
  assert.deepEqual(await queryProblems(store, join(data, 'repositories'), root, embedder, 'function version edit'), []);
});
