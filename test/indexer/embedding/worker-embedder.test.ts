import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTransformersEmbedder, createWorkerEmbedder, type Embedder } from '../../../indexer/embedding/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { isAbortError } from '../../../platform/index.js';
import { codeLikeText, convertIntoTemporaryCache, cosine, maxDifference, quickstart } from './helpers.js';

describe('createWorkerEmbedder', () => {
  let converted: Awaited<ReturnType<typeof convertIntoTemporaryCache>>;
  let worker: Embedder;
  before(async () => {
    converted = await convertIntoTemporaryCache();
    worker = await createWorkerEmbedder({ modelDir: converted.modelDir, allowRemote: false, threads: 2, batchSize: 8 });
  });
  after(async () => {
    await worker.close();
    await converted.remove();
  });

  it('gives the same vectors as the in-process embedder', async () => {
    const texts = [...quickstart.sentences, codeLikeText(7)];
    const inProcess = await createTransformersEmbedder({ modelDir: converted.modelDir, allowRemote: false, threads: 2 });
    try {
      assert.equal(worker.modelId, inProcess.modelId);
      assert.equal(worker.dimension, 384);
      assert.ok(maxDifference(await worker.embed(texts), await inProcess.embed(texts)) < 1e-5);
    } finally {
      await inProcess.close();
    }
    const [weather, sunny] = await worker.embed(quickstart.sentences);
    assert.ok(weather && sunny);
    assert.ok(Math.abs(cosine(weather, sunny) - quickstart.similarities['0-1']) <= 0.02);
  });

  it('answers concurrent requests each with their own vectors', async () => {
    const texts = Array.from({ length: 20 }, (_, index) => codeLikeText(index, 40));
    const [together, ...alone] = await Promise.all([worker.embed(texts), ...texts.map((text) => worker.embed([text]))]);
    assert.ok(together);
    assert.ok(maxDifference(together, alone.flat()) < 1e-5);
  });

  it('rejects an aborted request with an AbortError at once and keeps serving', async () => {
    await assert.rejects(worker.embed(['x'], { signal: AbortSignal.abort() }), (error: unknown) => isAbortError(error));
    const controller = new AbortController();
    const pending = worker.embed(Array.from({ length: 200 }, (_, index) => codeLikeText(index)), { signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, (error: unknown) => isAbortError(error));
    assert.equal((await worker.embed(['still works'])).length, 1);
  });

  it('reports a model that cannot load as model-unavailable', async () => {
    await assert.rejects(
      createWorkerEmbedder({ modelDir: converted.cacheDir, allowRemote: false }),
      (error: unknown) => error instanceof MinionsError && error.code === 'model-unavailable',
    );
  });

  it('close() cancels requests in flight and refuses later ones', async () => {
    const closing = await createWorkerEmbedder({ modelDir: converted.modelDir, allowRemote: false, threads: 1 });
    const pending = assert.rejects(closing.embed(Array.from({ length: 100 }, (_, index) => codeLikeText(index))), (error: unknown) => isAbortError(error));
    await closing.close();
    await pending;
    await assert.rejects(closing.embed(['late']), (error: unknown) => error instanceof MinionsError && error.code === 'model-unavailable');
  });
});
