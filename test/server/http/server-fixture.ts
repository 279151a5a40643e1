import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openIndex, type CodeIndex, type Embedder, type EmbedderProvider, type EmbedOptions } from '../../../indexer/index.js';
import type { TaskEvent, TaskRunner } from '../../../schemas/index.js';
import { buildApp, type AppOptions } from '../../../server/http/app.js';
import type { App } from '../../../server/http/context.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { writeTree } from '../../support/file-tree.js';

/**
 * A temporary data directory, a code index on it with a recording embedder, from which
 * tests build servers (several times, to test restarts). `dispose` closes them all.
 */
export class ServerFixture {
  private readonly apps: App[] = [];
  private readonly indexes: CodeIndex[] = [];

  private constructor(
    readonly folder: string,
    readonly embedder: RecordingEmbedder,
    /** The code index the servers use unless a test opens another one. */
    readonly index: CodeIndex,
  ) {
    this.indexes.push(index);
  }

  static async create(): Promise<ServerFixture> {
    const folder = await mkdtemp(join(tmpdir(), 'minions-http-'));
    const embedder = new RecordingEmbedder();
    return new ServerFixture(folder, embedder, await openIndex({ dataDir: join(folder, 'data'), embedder: fixedEmbedder(async () => embedder) }));
  }

  get dataDir(): string {
    return join(this.folder, 'data');
  }

  /** Opens another code index on the data directory, whose embedder comes from `embedder` (the recording one by default). */
  async openIndex(embedder: (signal?: AbortSignal) => Promise<Embedder> = async () => this.embedder): Promise<CodeIndex> {
    const index = await openIndex({ dataDir: this.dataDir, embedder: fixedEmbedder(embedder) });
    this.indexes.push(index);
    return index;
  }

  /** Builds a server on the fixture's data directory. */
  async build(options: Partial<AppOptions> & { runner?: TaskRunner | undefined } = {}): Promise<App> {
    const app = await buildApp({ index: this.index, runner: undefined, dataDir: this.dataDir, log: pino({ level: 'silent' }), limits: { concurrency: 1 }, ...options });
    this.apps.push(app);
    return app;
  }

  /** Writes files (path -> content) into a repository folder, creating it. */
  async repo(name: string, files: Record<string, string>): Promise<string> {
    return writeTree(join(this.folder, name), files);
  }

  /** Registers a repository through the API and waits until its index is built. */
  async register(app: App, root: string): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: root } });
    if (response.statusCode >= 300) throw new Error(`registration failed: ${response.body}`);
    await app.minions.registry.idle();
    return (response.json() as { id: string }).id;
  }

  async dispose(): Promise<void> {
    for (const app of this.apps) await app.close();
    for (const index of this.indexes) await index.close();
    await rm(this.folder, { recursive: true, force: true });
  }
}

/** An embedder provider over a function; the test owns the embedder, so closing the index leaves it open. */
function fixedEmbedder(get: (signal?: AbortSignal) => Promise<Embedder>): EmbedderProvider {
  return { get, close: async () => undefined };
}

/** A small repository the tests index and query. */
export const sampleFiles = {
  'src/math.js': 'function addNumbers(a, b) {\n  return a + b;\n}\nmodule.exports = { addNumbers };\n',
  'src/weather.py': 'def forecast_rain(city):\n    """Tells whether it will rain in a city tomorrow."""\n    return city == "London"\n',
};

/** An embedder that holds every call until `open()`, to observe a repository while it is being indexed. */
export class GatedEmbedder implements Embedder {
  private opened = false;
  private readonly held: (() => void)[] = [];
  private readonly arrivals: (() => void)[] = [];

  constructor(private readonly inner: Embedder) {}

  get modelId(): string {
    return this.inner.modelId;
  }

  get dimension(): number {
    return this.inner.dimension;
  }

  /** Resolves when a call is waiting at the gate. */
  waiting(): Promise<void> {
    if (this.held.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push(resolve));
  }

  open(): void {
    this.opened = true;
    for (const release of this.held.splice(0)) release();
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (!this.opened) {
      await new Promise<void>((resolve) => {
        this.held.push(resolve);
        for (const arrived of this.arrivals.splice(0)) arrived();
      });
    }
    return this.inner.embed(texts, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Creates a task through the API and returns its id (asserting the 202). */
export async function createTask(app: App, repo: string, prompt = 'add a test'): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo, prompt } });
  if (response.statusCode !== 202) throw new Error(`expected 202, got ${response.statusCode}: ${response.body}`);
  return response.json<{ id: string }>().id;
}

/** A `task-end` event. */
export type TaskEndEvent = Extract<TaskEvent, { type: 'task-end' }>;

const isEnd = (event: TaskEvent): event is TaskEndEvent => event.type === 'task-end';

/** Resolves with a task's `task-end` event, whether it already ended or ends later. */
export function taskEnded(app: App, id: string): Promise<TaskEndEvent> {
  return new Promise((resolve, reject) => {
    const listener = (event: TaskEvent): void => {
      if (isEnd(event)) resolve(event);
    };
    app.minions.tasks.follow(id, 0, listener).then((subscription) => {
      const end = subscription?.past.find(isEnd);
      if (end) resolve(end);
      else if (!subscription) reject(new Error(`no task ${id}`));
    }, reject);
  });
}
