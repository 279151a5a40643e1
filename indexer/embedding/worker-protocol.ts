// Messages between `worker-embedder.ts` (the caller's thread) and `embed-worker.ts`.
import { MinionsError, type ErrorCode } from '../../schemas/index.js';

/** Caller to worker. `cancel` stops a request at its next batch boundary; `close` releases the model once the running batch ends. */
export type WorkerRequest = { type: 'embed'; id: number; texts: string[] } | { type: 'cancel'; id: number } | { type: 'close' };

/** Worker to caller: one `ready` or `init-failed` first, then one `result` or `failed` per request. */
export type WorkerResponse =
  | { type: 'ready'; modelId: string; dimension: number }
  | { type: 'init-failed'; error: SerializedError }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'failed'; id: number; error: SerializedError }
  | { type: 'closed' };

/** An error reduced to what survives `postMessage` with its meaning intact. */
export interface SerializedError {
  name: string;
  message: string;
  code?: ErrorCode;
}

/** Flattens an error for `postMessage`, keeping a `MinionsError` code and the `AbortError` name. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof MinionsError) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an error from `serializeError`: a `MinionsError` with its code, an `AbortError`, or an internal error. */
export function deserializeError(error: SerializedError): Error {
  if (error.code !== undefined) return new MinionsError(error.code, error.message);
  if (error.name === 'AbortError') return new DOMException(error.message, 'AbortError');
  return new MinionsError('internal', `Embedding worker: ${error.message}`);
}
