import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { batchQueryEmbeddings, batchedQueries, createWorkerEmbedder, lazyEmbedder, openIndex, type EmbedOptions, type Embedder } from '../../../indexer/index.js';
import { abortReason, isAbortError } from '../../../platform/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { convertIntoTemporaryCache, maxDifference } from '../embedding/helpers.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

/** One `embed` call held by `GatedEmbedder` until the test lets it go. */
interface HeldCall {
  texts: string[];
  signal: AbortSignal | undefined;
  /** Answers with the recording embedder's vectors. */
  release(): void;
  fail(error: Error): void;
}

/**
 * An embedder whose calls wait for the test: each call is recorded and answered only on
 * `release` (with `RecordingEmbedder`'s vectors) or `fail`, so a test decides when a batch
 * returns and sees what was sent meanwhile, without timing.
 */
class GatedEmbedder implements Embedder {
  readonly modelId = 'gated';
  readonly dimension = 64;
  readonly calls: HeldCall[] = [];
  private readonly vectors = new RecordingEmbedder('gated', 64);
  private readonly watchers: Array<() => void> = [];

  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    return new Promise((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
      this.calls.push({ texts: [...texts], signal, release: () => resolve(this.vectors.embed(texts)), fail: reject });
      for (const watcher of this.watchers.splice(0)) watcher();
    });
  }

  /** Resolves with call `index` (0-based) once it has been made. */
  async call(index: number): Promise<HeldCall> {
    while (this.calls.length <= index) await new Promise<void>((resolve) => this.watchers.push(resolve));
    return this.calls[index] as HeldCall;
  }

  async close(): Promise<void> {}
}

/** The vector `RecordingEmbedder` gives one text alone. */
async function alone(text: string): Promise<Float32Array> {
  const [vector] = await new RecordingEmbedder('gated', 64).embed([text]);
  return vector as Float32Array;
}

describe('batchQueryEmbeddings', () => {
  it('sends a lone query at once, with nothing added', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const pending = batcher.embed(['refund a charge']);
    // Sent within the call itself: no timer, no tick waited.
    assert.deepEqual(gated.calls.map((call) => call.texts), [['refund a charge']]);
    gated.calls[0]?.release();
    assert.deepEqual(await pending, [await alone('refund a charge')]);
  });

  it('sends the queries that arrive while a batch runs as one batch, identical texts once', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const first = batcher.embed(['first']);
    const texts = ['parse json', 'open file', 'parse json', 'close socket', 'open file', 'retry request'];
    const waiting = texts.map((text) => batcher.embed([text]));
    assert.equal(gated.calls.length, 1, 'nothing more is sent while the first batch runs');
    gated.calls[0]?.release();
    const second = await gated.call(1);
    assert.deepEqual(second.texts, ['parse json', 'open file', 'close socket', 'retry request']);
    second.release();
    const answers = await Promise.all(waiting);
    for (const [index, text] of texts.entries()) assert.deepEqual(answers[index], [await alone(text)]);
    assert.notEqual(answers[0]?.[0], answers[2]?.[0], 'each caller gets its own array');
    assert.deepEqual(await first, [await alone('first')]);
    assert.equal(gated.calls.length, 2);
  });

  it('caps a batch at maxBatch texts and sends the rest next', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated, { maxBatch: 3 });
    const all = [batcher.embed(['a']), ...['b', 'c', 'd', 'e'].map((text) => batcher.embed([text])), batcher.embed(['f', 'g', 'h', 'i'])];
    for (let index = 0; index < 4; index += 1) (await gated.call(index)).release();
    await Promise.all(all);
    assert.deepEqual(gated.calls.map((call) => call.texts), [['a'], ['b', 'c', 'd'], ['e'], ['f', 'g', 'h', 'i']]);
  });

  it('answers a caller with several texts in order', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const first = batcher.embed(['x']);
    const several = batcher.embed(['y', 'x', 'y']);
    const other = batcher.embed(['z']);
    gated.calls[0]?.release();
    const second = await gated.call(1);
    assert.deepEqual(second.texts, ['y', 'x', 'z']);
    second.release();
    assert.deepEqual(await several, [await alone('y'), await alone('x'), await alone('y')]);
    assert.deepEqual(await other, [await alone('z')]);
    await first;
  });

  it('drops a caller that aborts while queued, and the others still get their vectors', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const first = batcher.embed(['first']);
    const controller = new AbortController();
    const leaving = batcher.embed(['leaving'], { signal: controller.signal });
    const staying = batcher.embed(['staying']);
    controller.abort();
    await assert.rejects(leaving, (error: unknown) => isAbortError(error));
    gated.calls[0]?.release();
    const second = await gated.call(1);
    assert.deepEqual(second.texts, ['staying']);
    second.release();
    assert.deepEqual(await staying, [await alone('staying')]);
    await first;
    await assert.rejects(batcher.embed(['x'], { signal: AbortSignal.abort() }), (error: unknown) => isAbortError(error));
  });

  it('rejects a caller that aborts in flight at once; the batch goes on for the others and stops when all have left', async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const leaving = new AbortController();
    const staying = new AbortController();
    const first = batcher.embed(['first']);
    const left = batcher.embed(['leaving'], { signal: leaving.signal });
    const kept = batcher.embed(['staying'], { signal: staying.signal });
    gated.calls[0]?.release();
    const batch = await gated.call(1);
    leaving.abort();
    await assert.rejects(left, (error: unknown) => isAbortError(error));
    assert.equal(batch.signal?.aborted, false, 'one caller leaving does not cancel the batch');
    batch.release();
    assert.deepEqual(await kept, [await alone('staying')]);
    await first;

    const alsoLeaving = new AbortController();
    const lastOne = batcher.embed(['alone'], { signal: alsoLeaving.signal });
    const third = await gated.call(2);
    alsoLeaving.abort();
    await assert.rejects(lastOne, (error: unknown) => isAbortError(error));
    assert.equal(third.signal?.aborted, true, 'a batch nobody waits for is cancelled');
    const after = batcher.embed(['after']);
    (await gated.call(3)).release();
    assert.deepEqual(await after, [await alone('after')]);
  });

  it("fails every caller of a batch with the embedder's error and keeps serving", async () => {
    const gated = new GatedEmbedder();
    const batcher = batchQueryEmbeddings(gated);
    const first = batcher.embed(['first']);
    const failing = [batcher.embed(['a']), batcher.embed(['b'])];
    const error = new MinionsError('model-unavailable', 'The embedding worker exited (exit code 1)');
    gated.calls[0]?.fail(error);
    await assert.rejects(first, (thrown: unknown) => thrown === error);
    const second = await gated.call(1);
    second.fail(error);
    for (const pending of failing) await assert.rejects(pending, (thrown: unknown) => thrown === error);
    const later = batcher.embed(['later']);
    (await gated.call(2)).release();
    assert.deepEqual(await later, [await alone('later')]);
  });

  it('is the embedder itself when maxBatch is 1, and keeps its model id and dimension', async () => {
    const embedder = new RecordingEmbedder('model-x', 16);
    assert.equal(batchQueryEmbeddings(embedder, { maxBatch: 1 }), embedder);
    const batcher = batchQueryEmbeddings(embedder);
    assert.equal(batcher.modelId, 'model-x');
    assert.equal(batcher.dimension, 16);
    await batcher.close();
    assert.equal(embedder.closed, true);
  });
});

describe('batchedQueries', () => {
  it('hands out one batcher per embedder and closes the provider', async () => {
    const embedder = new RecordingEmbedder();
    const provider = lazyEmbedder(async () => embedder);
    const batched = batchedQueries(provider);
    const batcher = await batched.get();
    assert.equal(await batched.get(), batcher);
    assert.notEqual(batcher, embedder);
    assert.equal(batchedQueries(provider, { maxBatch: 1 }), provider);
    await batched.close();
    assert.equal(embedder.closed, true);
  });
});

describe('batched query embeddings on all-MiniLM-L6-v2', () => {
  let converted: Awaited<ReturnType<typeof convertIntoTemporaryCache>>;
  let worker: Embedder;
  before(async () => {
    converted = await convertIntoTemporaryCache();
    worker = await createWorkerEmbedder({ modelDir: converted.modelDir, allowRemote: false, threads: 1 });
  });
  after(async () => {
    await worker.close();
    await converted.remove();
  });

  it('gives concurrent callers the vectors each would get alone, in fewer model calls', async () => {
    const queries = ['where is the logger flushed', 'serialize an error', 'child logger bindings', 'redact secrets', 'serialize an error', 'pretty print transport', 'write to a file stream', 'where is the logger flushed'];
    const expected: Float32Array[] = [];
    for (const query of queries) expected.push(...(await worker.embed([query])));
    let calls = 0;
    const counting: Embedder = {
      modelId: worker.modelId,
      dimension: worker.dimension,
      embed: (texts, options) => {
        calls += 1;
        return worker.embed(texts, options);
      },
      close: async () => {},
    };
    const batcher = batchQueryEmbeddings(counting);
    const answers = await Promise.all(queries.map((query) => batcher.embed([query])));
    assert.equal(calls, 2, 'the first query alone, then the rest together');
    assert.ok(maxDifference(answers.flat(), expected) < 1e-5);
  });
});

/** Records the signal of every call as well: a batched call carries its batch's signal, not the caller's. */
class SignalRecordingEmbedder extends RecordingEmbedder {
  readonly signals: Array<AbortSignal | undefined> = [];

  override embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    this.signals.push(options.signal);
    return super.embed(texts, options);
  }
}

describe('openIndex', () => {
  let folder = '';
  let root = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-query-batch-'));
    root = await writeTree(join(folder, 'repo'), { 'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\nmodule.exports = { refundCharge }\n' });
  });
  after(() => rm(folder, { recursive: true, force: true }));

  /** The signal the embedder saw for one vector query made with a signal of its own, and whether it was the caller's. */
  async function querySignal(queryBatch: number | undefined): Promise<{ callers: boolean; answered: boolean }> {
    const embedder = new SignalRecordingEmbedder();
    const index = await openIndex({ dataDir: join(folder, `data-${queryBatch ?? 'default'}`), embedder: lazyEmbedder(async () => embedder), queryBatch });
    try {
      const handle = await index.repository(root);
      const run = handle.index();
      for (let next = await run.next(); !next.done; next = await run.next());
      const signal = new AbortController().signal;
      const answer = await handle.query({ query: 'refund charge', mode: 'vector' }, { signal });
      return { callers: embedder.signals.at(-1) === signal, answered: answer.results.length > 0 };
    } finally {
      await index.close();
    }
  }

  it('embeds queries through the batcher, and straight when queryBatch is 1', async () => {
    assert.deepEqual(await querySignal(undefined), { callers: false, answered: true });
    assert.deepEqual(await querySignal(1), { callers: true, answered: true });
  });
});
