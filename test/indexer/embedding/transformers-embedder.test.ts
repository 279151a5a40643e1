import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTransformersEmbedder, type Embedder } from '../../../indexer/embedding/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { isAbortError } from '../../../platform/index.js';
import { codeLikeText, convertIntoTemporaryCache, cosine, maxDifference, quickstart } from './helpers.js';

describe('createTransformersEmbedder on the converted MiniLM', () => {
  let converted: Awaited<ReturnType<typeof convertIntoTemporaryCache>>;
  let embedder: Embedder;
  before(async () => {
    converted = await convertIntoTemporaryCache();
    embedder = await createTransformersEmbedder({ modelDir: converted.modelDir, allowRemote: false, threads: 2 });
  });
  after(async () => {
    await embedder.close();
    await converted.remove();
  });

  it('reproduces the sentence-transformers quickstart similarities', async () => {
    const [weather, sunny, stadium] = await embedder.embed(quickstart.sentences);
    assert.ok(weather && sunny && stadium);
    const measured = { '0-1': cosine(weather, sunny), '0-2': cosine(weather, stadium), '1-2': cosine(sunny, stadium) };
    for (const [pair, expected] of Object.entries(quickstart.similarities)) {
      const value = measured[pair as keyof typeof measured];
      assert.ok(Math.abs(value - expected) <= 0.02, `similarity ${pair} is ${value.toFixed(4)}, expected ${expected} ± 0.02`);
    }
  });

  it('returns 384-dimensional unit vectors and names the model', async () => {
    assert.equal(embedder.dimension, 384);
    assert.match(embedder.modelId, /^all-MiniLM-L6-v2-/);
    for (const vector of await embedder.embed(['function add(a, b) { return a + b; }', 'x', ''])) {
      assert.equal(vector.length, 384);
      assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-5, 'unit norm');
    }
  });

  it('is deterministic, and a batch gives the same vectors as one text at a time', async () => {
    const texts = [...quickstart.sentences, codeLikeText(1), 'short'];
    const batch = await embedder.embed(texts);
    assert.equal(maxDifference(batch, await embedder.embed(texts)), 0);
    const single = [];
    for (const text of texts) single.push(...(await embedder.embed([text])));
    assert.ok(maxDifference(batch, single) < 1e-5, 'padding does not change a vector');
  });

  it('truncates long inputs to 256 tokens', async () => {
    const long = 'alpha beta gamma delta '.repeat(100);
    const [first, second] = await embedder.embed([long, `${long} and a tail far beyond the limit`]);
    assert.ok(first && second);
    assert.ok(maxDifference([first], [second]) < 1e-5, 'text past the limit is ignored');
  });

  it('returns nothing for no texts', async () => {
    assert.deepEqual(await embedder.embed([]), []);
  });

  it('rejects with an AbortError when aborted', async () => {
    await assert.rejects(embedder.embed(['x'], { signal: AbortSignal.abort() }), (error: unknown) => isAbortError(error));
    const controller = new AbortController();
    const running = embedder.embed(Array.from({ length: 64 }, (_, index) => codeLikeText(index)), { signal: controller.signal });
    controller.abort();
    await assert.rejects(running, (error: unknown) => isAbortError(error));
    assert.equal((await embedder.embed(['still works'])).length, 1);
  });

  it('fails with model-unavailable for a folder without a model', async () => {
    await assert.rejects(
      createTransformersEmbedder({ modelDir: converted.cacheDir, allowRemote: false }),
      (error: unknown) => error instanceof MinionsError && error.code === 'model-unavailable',
    );
  });
});
