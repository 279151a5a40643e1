// An Embedder whose model runs in a worker thread, so tokenization, pooling and the
// model's JavaScript glue never block the caller's event loop.
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { MinionsError } from '../../schemas/index.js';
import { abortReason, disableTelemetry } from '../../platform/index.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import type { TransformersEmbedderOptions } from './transformers-embedder.js';
import { deserializeError, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

/** Options of `createWorkerEmbedder` besides the model's. */
export interface WorkerEmbedderStartOptions {
  /** Aborting while the model loads terminates the worker and rejects. */
  signal?: AbortSignal;
}

/**
 * Starts a worker thread that loads the model with `createTransformersEmbedder` and
 * resolves once it is ready. Aborting an `embed` call rejects it at once with an
 * `AbortError` and cancels its remaining batches; `close()` terminates the worker.
 */
export async function createWorkerEmbedder(options: TransformersEmbedderOptions, start: WorkerEmbedderStartOptions = {}): Promise<Embedder> {
  start.signal?.throwIfAborted();
  const worker = startWorker(options);
  const ready = await new Promise<Extract<WorkerResponse, { type: 'ready' }>>((resolve, reject) => {
    const fail = (error: Error): void => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onMessage = (message: WorkerResponse): void => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message);
      } else if (message.type === 'init-failed') fail(deserializeError(message.error));
    };
    const onError = (error: Error): void => fail(new MinionsError('model-unavailable', `The embedding worker failed to start: ${error.message}`, { cause: error }));
    const onExit = (code: number): void => fail(new MinionsError('model-unavailable', `The embedding worker exited during startup (exit code ${code})`));
    const onAbort = (): void => fail(abortReason(start.signal as AbortSignal));
    const cleanup = (): void => {
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      start.signal?.removeEventListener('abort', onAbort);
    };
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    start.signal?.addEventListener('abort', onAbort, { once: true });
  });
  return new WorkerEmbedder(worker, ready.modelId, ready.dimension);
}

/**
 * Starts `embed-worker` with this module's extension: `.js` once compiled, `.ts` under
 * tsx. Node 20 does not apply `--import tsx` to a worker's entry module, so from
 * TypeScript source a small bootstrap registers tsx first and then imports the worker.
 */
function startWorker(options: TransformersEmbedderOptions): Worker {
  // onnxruntime-node (1.30 on Linux) sends telemetry to mobile.events.data.microsoft.com
  // unless the process environment has ORT_DISABLE_TELEMETRY=1. transformers.js sets it
  // through `process.env`, but in a worker thread `process.env` is a private copy that the
  // native library's `getenv` never sees; only the main thread's `process.env` is the real
  // environment. So it is set here, before the worker loads onnxruntime.
  disableTelemetry(['ORT_DISABLE_TELEMETRY']);
  const extension = extname(fileURLToPath(import.meta.url));
  const entry = new URL(`./embed-worker${extension}`, import.meta.url);
  if (extension !== '.ts') return new Worker(entry, { workerData: options });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const bootstrap = `import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

interface Pending {
  resolve(vectors: Float32Array[]): void;
  reject(error: Error): void;
}

/** How long `close` waits for the worker to finish its running batch and release the model. */
const CLOSE_MS = 10_000;

class WorkerEmbedder implements Embedder {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Set once the worker can no longer answer: closed, crashed or exited. */
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    readonly modelId: string,
    readonly dimension: number,
  ) {
    worker.on('message', (message: WorkerResponse) => this.onMessage(message));
    worker.on('error', (error) => this.failAll(new MinionsError('internal', `The embedding worker crashed: ${error.message}`, { cause: error })));
    worker.on('exit', (code) => this.failAll(new MinionsError('model-unavailable', `The embedding worker exited (exit code ${code})`)));
    // An idle worker must not keep the process alive; it is referenced while requests are in flight.
    worker.unref();
  }

  embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const { signal } = options;
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (texts.length === 0) return Promise.resolve([]);
    const id = this.nextId;
    this.nextId += 1;
    return new Promise<Float32Array[]>((resolve, reject) => {
      const onAbort = (): void => {
        if (!this.settle(id)) return;
        this.post({ type: 'cancel', id });
        reject(abortReason(signal as AbortSignal));
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        resolve: (vectors) => {
          done();
          resolve(vectors);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.worker.ref();
      this.post({ type: 'embed', id, texts: [...texts] });
    });
  }

  async close(): Promise<void> {
    if (this.closing) return this.closing;
    // Requests in flight are cancelled, not failed; later calls are told the embedder is closed.
    const alive = this.failure === undefined;
    this.failAll(new DOMException('The embedder was closed', 'AbortError'), new MinionsError('model-unavailable', 'The embedder is closed'));
    this.closing = (alive ? this.release() : Promise.resolve()).then(async () => {
      await this.worker.terminate();
    });
    return this.closing;
  }

  /** Asks the worker to release the model after its running batch; resolves when it has, exited, or after `CLOSE_MS`. */
  private release(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.worker.off('message', onMessage).off('exit', done);
        resolve();
      };
      const onMessage = (message: WorkerResponse): void => {
        if (message.type === 'closed') done();
      };
      const timer = setTimeout(done, CLOSE_MS);
      this.worker.on('message', onMessage).on('exit', done);
      this.post({ type: 'close' });
    });
  }

  private onMessage(message: WorkerResponse): void {
    if (message.type !== 'result' && message.type !== 'failed') return;
    const request = this.pending.get(message.id);
    // A request that was aborted is no longer pending; its late answer is dropped.
    if (request === undefined || !this.settle(message.id)) return;
    if (message.type === 'result') request.resolve(message.vectors);
    else request.reject(deserializeError(message.error));
  }

  /** Forgets a request; false if it was already settled. */
  private settle(id: number): boolean {
    const existed = this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    return existed;
  }

  private failAll(error: Error, failure: Error = error): void {
    this.failure ??= failure;
    const requests = [...this.pending.values()];
    this.pending.clear();
    this.worker.unref();
    for (const request of requests) request.reject(error);
  }

  private post(message: WorkerRequest): void {
    this.worker.postMessage(message);
  }
}
