import { join } from 'node:path';
import { createDefaultEmbedder, createOllamaEmbedder, ensureMiniLmModel, createTransformersEmbedder, lazyEmbedder, openIndex, type CodeIndex, type Embedder, type EmbedderProvider, type IndexLog } from '../indexer/index.js';
import type { Config } from './config.js';
import { checkDataDirectory } from './data-dir-check.js';

/** Starts the configured embedder (called once, on first use, by the code index). */
function startEmbedder(config: Config): Promise<Embedder> {
  const choice = config.embedder;
  const threads = config.threads === undefined ? {} : { threads: config.threads };
  if (choice.kind === 'default') {
    const sessions = config.embedSessions === undefined ? {} : { sessions: config.embedSessions };
    return createDefaultEmbedder({ cacheDir: config.dataDir, precision: config.embedPrecision, ...sessions, ...threads });
  }
  if (choice.kind === 'transformers') {
    return createTransformersEmbedder({ modelId: choice.modelId, cacheDir: join(config.dataDir, 'models'), allowRemote: config.allowRemoteModels, ...threads });
  }
  return createOllamaEmbedder({ host: choice.host, model: choice.model });
}

/**
 * Converts the default embedder's model now when it is not yet (a marker check when it is).
 * A run that will embed calls this before it holds anything else, so the conversion's own
 * process (about 500 MB at its peak for int8) and this one are small together. A failure is
 * left to the first embedding to report: text indexing does not wait on the model.
 */
export async function prepareEmbedder(config: Config, signal?: AbortSignal): Promise<void> {
  if (config.embedder.kind !== 'default') return;
  await ensureMiniLmModel(config.dataDir, { precision: config.embedPrecision, ...(signal === undefined ? {} : { signal }) }).catch((error: unknown) => {
    if (signal?.aborted === true) throw error;
  });
}

/** The configured embedder, started on first use: for callers that share one among several indexes (`minions eval`). */
export function configuredEmbedder(config: Config): EmbedderProvider {
  return lazyEmbedder(() => startEmbedder(config));
}

/**
 * Opens the code index of the configured data directory with the configured embedder,
 * shared by every caller and started lazily (the composition root's job).
 */
export async function openCodeIndex(config: Config, log?: IndexLog, owner?: string): Promise<CodeIndex> {
  // A data directory that is a file, not writable or read-only fails here in one line, before LanceDB or a lock.
  await checkDataDirectory(config.dataDir);
  return openIndex({ dataDir: config.dataDir, embedder: lazyEmbedder(() => startEmbedder(config)), log, owner, queryBatch: config.queryBatch, storeCacheMb: config.storeCacheMb });
}

/**
 * How long `minions index` and `minions watch` wait for another process's write lock on
 * the same repository index (a server watching it, another run) before giving up.
 */
export const LOCK_WAIT_MS = 10 * 60 * 1000;
