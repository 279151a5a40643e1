import { join } from 'node:path';
import { LanceStore, createDefaultEmbedder, createOllamaEmbedder, createTransformersEmbedder, type Embedder } from '../indexer/index.js';
import { abortable } from '../platform/index.js';
import type { Config } from './config.js';

/** The index's resources for one process: the LanceDB store, the meta folder and a lazily started embedder. */
export interface IndexRuntime {
  store: LanceStore;
  metaFolder: string;
  embedder(signal?: AbortSignal): Promise<Embedder>;
  close(): Promise<void>;
}

/** Wires the configured store and embedder (the composition root's job). */
export async function openRuntime(config: Config): Promise<IndexRuntime> {
  const store = await LanceStore.open(join(config.dataDir, 'lancedb'));
  let embedder: Promise<Embedder> | undefined;
  const start = (): Promise<Embedder> => {
    const choice = config.embedder;
    const threads = config.threads === undefined ? {} : { threads: config.threads };
    if (choice.kind === 'default') return createDefaultEmbedder({ cacheDir: config.dataDir, ...threads });
    if (choice.kind === 'transformers') {
      return createTransformersEmbedder({ modelId: choice.modelId, cacheDir: join(config.dataDir, 'models'), allowRemote: config.allowRemoteModels, ...threads });
    }
    return createOllamaEmbedder({ host: choice.host, model: choice.model });
  };
  return {
    store,
    metaFolder: join(config.dataDir, 'repositories'),
    // The embedder is shared by every caller: it starts under no caller's signal (one
    // caller's abort must not break it for the others), a failed start is retried by the
    // next call, and each caller's signal only bounds its own wait.
    embedder(signal) {
      embedder ??= start().catch((error: unknown) => {
        embedder = undefined;
        throw error;
      });
      return abortable(embedder, signal);
    },
    async close() {
      if (embedder) await (await embedder.catch(() => undefined))?.close();
      store.close();
    },
  };
}

