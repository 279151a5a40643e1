import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { indexRepository, type Embedder, type EmbedOptions } from '../../indexer/index.js';
import type { IndexEvent } from '../../schemas/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

/** The test embedder, holding its `holdAt`-th call (1-based) until `release`: the indexing run stops inside its vector phase. */
class GatedEmbedder implements Embedder {
  readonly inner = new RecordingEmbedder();
  readonly modelId = this.inner.modelId;
  readonly dimension = this.inner.dimension;
  /** Resolves when the held call starts. */
  readonly held: Promise<void>;
  private enter: () => void = () => undefined;
  private open: () => void = () => undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor(private readonly holdAt: number) {
    this.held = new Promise((resolve) => (this.enter = resolve));
  }

  get calls(): number {
    return this.inner.calls.length;
  }

  release(): void {
    this.open();
  }

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (this.inner.calls.length + 1 === this.holdAt) {
      this.enter();
      await this.gate;
    }
    return this.inner.embed(texts, options);
  }

  async close(): Promise<void> {
    await this.inner.close();
  }
}

/** Twelve files of three functions each, every function named after its file. */
function files(): Record<string, string> {
  const tree: Record<string, string> = {};
  for (let file = 0; file < 12; file++) {
    const functions = ['open', 'close', 'count'].map((verb) => `function ${verb}Ledger${file}(entry) {\n  return entry.${verb}Ledger${file};\n}\n`);
    tree[`src/ledger${file}.js`] = functions.join('\n');
  }
  return tree;
}

describe('indexing text first, vectors after', () => {
  let fixture: IndexFixture;
  let root = '';
  beforeEach(async () => {
    fixture = await IndexFixture.create();
    root = await fixture.repo('repo', files());
  });
  afterEach(() => fixture.dispose());

  it('makes every file searchable by text before embedding anything; queries meanwhile use the vectors that exist and say how many', async () => {
    const embedder = new GatedEmbedder(2);
    const events: IndexEvent[] = [];
    let callsAtTextEnd = -1;
    const generator = indexRepository(root, { store: fixture.store, embedder, metaFolder: fixture.metaFolder, batchChunks: 8 });
    const consumed = (async () => {
      for await (const event of generator) {
        if (event.type === 'text-end') callsAtTextEnd = embedder.calls;
        events.push(event);
      }
    })();
    await embedder.held;
    assert.equal(callsAtTextEnd, 0, 'text-end comes before the first embedding');
    const textEnd = events.find((event) => event.type === 'text-end');
    assert.ok(textEnd?.type === 'text-end');
    assert.equal(textEnd.files, 12);
    assert.equal(textEnd.pending, 36);

    const lastFile = await fixture.answer({ repo: root, query: 'countLedger11', mode: 'text', k: 3 });
    assert.equal(lastFile.results[0]?.symbol, 'countLedger11', 'the last file written is searchable by text');
    const hybrid = await fixture.answer({ repo: root, query: 'countLedger11', k: 3 }, new RecordingEmbedder());
    assert.equal(hybrid.mode, 'hybrid');
    assert.ok(hybrid.results.some((result) => result.symbol === 'countLedger11'), 'hybrid finds by text what has no vector yet');
    assert.deepEqual(hybrid.embedded, { chunks: 8, total: 36 }, 'one page of vectors is in');
    const vector = await fixture.answer({ repo: root, query: 'ledger entry', mode: 'vector', k: 36 }, new RecordingEmbedder());
    assert.equal(vector.results.length, 8, 'vector search sees the embedded rows only (no zero vectors)');

    embedder.release();
    await consumed;
    const progress = events.filter((event) => event.type === 'vectors-progress');
    assert.deepEqual(progress.map((event) => event.type === 'vectors-progress' && event.done), [0, 8, 16, 24, 32, 36], 'progress counts chunks, page by page');
    const after = await fixture.answer({ repo: root, query: 'ledger entry', mode: 'vector', k: 36 }, new RecordingEmbedder());
    assert.deepEqual(after.embedded, { chunks: 36, total: 36 });
    assert.equal(after.results.length, 36);
  });

  it('a run stopped in its vector phase is continued by the next run, which embeds only what was missing', async () => {
    const embedder = new GatedEmbedder(3);
    const controller = new AbortController();
    const generator = indexRepository(root, { store: fixture.store, embedder, metaFolder: fixture.metaFolder, batchChunks: 8, signal: controller.signal });
    const consumed = (async () => {
      for await (const event of generator) void event;
    })();
    await embedder.held;
    controller.abort();
    embedder.release();
    await assert.rejects(consumed, { name: 'AbortError' });
    const resumed = new RecordingEmbedder();
    const { summary, events } = await fixture.index(root, resumed, { batchChunks: 8 });
    assert.equal(summary.rebuilt, undefined);
    assert.equal(summary.changed, 0, 'no file is chunked again');
    const textEnd = events.find((event) => event.type === 'text-end');
    assert.ok(textEnd?.type === 'text-end' && textEnd.pending === 20, 'two pages were in, 20 chunks waited');
    assert.equal(resumed.texts.length + summary.cached, 20);
    const answer = await fixture.answer({ repo: root, query: 'ledger entry', mode: 'vector', k: 50 }, new RecordingEmbedder());
    assert.deepEqual(answer.embedded, { chunks: 36, total: 36 });
  });
});
