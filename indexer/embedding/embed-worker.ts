// Entry point of the embedding worker thread: loads the model named by `workerData`
// (TransformersEmbedderOptions) and answers `WorkerRequest`s. Running on import is
// intended here, since this file is only ever started as a worker.
import { parentPort, workerData } from 'node:worker_threads';
import type { Embedder } from './embedder.js';
import { createTransformersEmbedder, type TransformersEmbedderOptions } from './transformers-embedder.js';
import { serializeError, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

const port = parentPort;
if (port === null) throw new Error('embed-worker runs only as a worker thread; use createWorkerEmbedder');
const send = (message: WorkerResponse, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

let embedder: Embedder | undefined;
try {
  embedder = await createTransformersEmbedder(workerData as TransformersEmbedderOptions);
  send({ type: 'ready', modelId: embedder.modelId, dimension: embedder.dimension });
} catch (error) {
  send({ type: 'init-failed', error: serializeError(error) });
}

if (embedder !== undefined) {
  const model = embedder;
  const controllers = new Map<number, AbortController>();
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'cancel') {
      controllers.get(request.id)?.abort();
      return;
    }
    if (request.type === 'close') {
      // The model is released only after the batch onnxruntime is running: terminating the
      // thread under a running session aborts the whole process.
      for (const controller of controllers.values()) controller.abort();
      void model.close().finally(() => send({ type: 'closed' }));
      return;
    }
    const controller = new AbortController();
    controllers.set(request.id, controller);
    model.embed(request.texts, { signal: controller.signal }).then(
      (vectors) => send({ type: 'result', id: request.id, vectors }, vectors.map((vector) => vector.buffer as ArrayBuffer)),
      (error: unknown) => send({ type: 'failed', id: request.id, error: serializeError(error) }),
    ).finally(() => controllers.delete(request.id));
  });
}
