// The pool deals each call out to its sessions and joins the vectors in input order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEmbedderPool, type EmbedOptions, type Embedder } from '../../../indexer/embedding/index.js';

/** A session that records the texts of each call and embeds a text as [its number, session id]. */
class RecordingEmbedder implements Embedder {
  readonly calls: string[][] = [];
  closed = false;
  readonly dimension = 2;

  constructor(
    private readonly session: number,
    readonly modelId = 'model-a',
  ) {}

  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    options.signal?.throwIfAborted();
    this.calls.push([...texts]);
    // Yield, so the pool's members really run side by side.
    await Promise.resolve();
    return texts.map((text) => Float32Array.of(Number(text), this.session));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

describe('createEmbedderPool', () => {
  it('splits a call into one contiguous part per session and returns vectors in input order', async () => {
    const sessions = [new RecordingEmbedder(0), new RecordingEmbedder(1), new RecordingEmbedder(2)];
    const pool = createEmbedderPool(sessions);
    const texts = Array.from({ length: 10 }, (_, index) => String(index));
    const vectors = await pool.embed(texts);
    assert.deepEqual(vectors.map((vector) => vector[0]), texts.map(Number));
    assert.deepEqual(sessions.map((session) => session.calls.map((call) => call.length)), [[3], [3], [4]]);
    assert.equal(pool.modelId, 'model-a');
    assert.equal(pool.dimension, 2);
  });

  it('gives small calls to the sessions in turn', async () => {
    const sessions = [new RecordingEmbedder(0), new RecordingEmbedder(1)];
    const pool = createEmbedderPool(sessions);
    const used = [];
    for (const text of ['1', '2', '3']) used.push((await pool.embed([text]))[0]?.[1]);
    assert.deepEqual(used, [0, 1, 0]);
    assert.deepEqual(await pool.embed([]), []);
  });

  it('closes every session, passes the signal on, and refuses sessions of different models', async () => {
    const sessions = [new RecordingEmbedder(0), new RecordingEmbedder(1)];
    const pool = createEmbedderPool(sessions);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(pool.embed(['1', '2'], { signal: controller.signal }), { name: 'AbortError' });
    await pool.close();
    assert.ok(sessions.every((session) => session.closed));
    assert.throws(() => createEmbedderPool([new RecordingEmbedder(0), new RecordingEmbedder(1, 'model-b')]), { code: 'invalid-argument' });
    assert.throws(() => createEmbedderPool([]), { code: 'invalid-argument' });
    const single = new RecordingEmbedder(0);
    assert.equal(createEmbedderPool([single]), single);
  });
});
