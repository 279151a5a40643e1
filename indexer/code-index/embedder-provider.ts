import { abortable } from '../../platform/index.js';
import type { Embedder } from '../embedding/index.js';

/** Where a code index gets its embedder: `get` when one is needed, `close` when the index closes. */
export interface EmbedderProvider {
  /** The embedder; `signal` bounds the caller's wait only. */
  get(signal?: AbortSignal): Promise<Embedder>;
  close(): Promise<void>;
}

/**
 * One embedder shared by every caller, started on first use. It starts under no
 * caller's signal (one caller's abort must not break it for the others), a failed
 * start is retried by the next call, and each caller's signal only bounds its own wait.
 */
export function lazyEmbedder(start: () => Promise<Embedder>): EmbedderProvider {
  let embedder: Promise<Embedder> | undefined;
  return {
    get(signal) {
      embedder ??= start().catch((error: unknown) => {
        embedder = undefined;
        throw error;
      });
      return abortable(embedder, signal);
    },
    async close() {
      if (embedder) await (await embedder.catch(() => undefined))?.close();
      embedder = undefined;
    },
  };
}
