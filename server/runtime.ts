import { join } from 'node:path';
import { LanceStore, createDefaultEmbedder, createOllamaEmbedder, createTransformersEmbedder, type Embedder } from '../indexer/index.js';
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
  const start = (signal?: AbortSignal): Promise<Embedder> => {
    const choice = config.embedder;
    const threads = config.threads === undefined ? {} : { threads: config.threads };
    if (choice.kind === 'default') return createDefaultEmbedder({ cacheDir: config.dataDir, ...threads, ...(signal ? { signal } : {}) });
    if (choice.kind === 'transformers') {
      return createTransformersEmbedder({ modelId: choice.modelId, cacheDir: join(config.dataDir, 'models'), allowRemote: config.allowRemoteModels, ...threads });
    }
    return createOllamaEmbedder({ host: choice.host, model: choice.model, ...(signal ? { signal } : {}) });
  };
  return {
    store,
    metaFolder: join(config.dataDir, 'repositories'),
    embedder(signal) {
      embedder ??= start(signal);
      return embedder;
    },
    async close() {
      if (embedder) await (await embedder.catch(() => undefined))?.close();
      store.close();
    },
  };
}
