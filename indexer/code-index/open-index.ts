import { mkdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { abortable } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { isWithin } from '../indexing/excluded-folders.js';
import type { Embedder } from '../embedding/index.js';
import { resolveRepository } from '../repository-meta.js';
import { setStoreCache } from '../store/session.js';
import { LanceStore } from '../store/lance-store.js';
import type { EmbedderProvider } from './embedder-provider.js';
import { batchedQueries } from './query-embedding-batcher.js';
import { RepositoryIndex, type IndexLog } from './repository-index.js';

/** What a code index is opened with. */
export interface OpenIndexOptions {
  /** The data directory: the LanceDB tables, the meta files and the models live under it. */
  dataDir: string;
  /** The configured embedder (see `lazyEmbedder` for one started on first use). */
  embedder: EmbedderProvider;
  log?: IndexLog | undefined;
  /** Names this process in the write locks it takes (`minions serve`); a second writer prints it. */
  owner?: string | undefined;
  /** Most query texts embedded in one batch across concurrent queries (`batchQueryEmbeddings`; 1: no batching). */
  queryBatch?: number | undefined;
  /** LanceDB's index cache of the process in MiB, its metadata cache half as much (`setStoreCache`); LanceStore's default otherwise. */
  storeCacheMb?: number | undefined;
}

/** Every repository index under one data directory, opened once per process. */
export interface CodeIndex {
  /** The data directory's real path: never indexed, never a repository. */
  readonly dataDir: string;
  /** The configured embedder; `signal` bounds this caller's wait only. */
  embedder(signal?: AbortSignal): Promise<Embedder>;
  /**
   * The handle of a repository folder: its real path is resolved and its id derived
   * once per call, and the handle (tables, record) is shared by every caller of that id.
   * A missing path is `not-found`, a file `invalid-argument`, and so is the data
   * directory or a folder inside it (indexing it would index the index's own writes).
   */
  repository(path: string, signal?: AbortSignal): Promise<RepositoryIndex>;
  /**
   * Closes the embedder now, and with it its model's memory (the default one: its worker
   * thread); the next embedding starts it again. `minions index` calls it once the vectors
   * are written, before the run's optimisation and the graph analysis.
   */
  releaseEmbedder(): Promise<void>;
  /** Closes the handles, the database and the embedder. */
  close(): Promise<void>;
}

/**
 * Opens the index of a data directory: the one entry of the indexer for long-lived
 * callers (the server, the CLI commands, the agent's code search). The storage layout
 * (`lancedb/`, `repositories/`) is known here and nowhere outside the indexer.
 */
export async function openIndex(options: OpenIndexOptions): Promise<CodeIndex> {
  // Handles keep their tables open: each read checks for a newer version, so they see
  // what indexing, the watcher or another process wrote since.
  await mkdir(options.dataDir, { recursive: true });
  const dataDir = await realpath(options.dataDir);
  if (options.storeCacheMb !== undefined) setStoreCache({ indexMb: options.storeCacheMb, metadataMb: options.storeCacheMb / 2 });
  const store = await LanceStore.open(join(dataDir, 'lancedb'), { readConsistencySeconds: 0 });
  const metaFolder = join(dataDir, 'repositories');
  const handles = new Map<string, RepositoryIndex>();
  const queryEmbedder = batchedQueries(options.embedder, { maxBatch: options.queryBatch });
  const context = { store, metaFolder, embedder: options.embedder, queryEmbedder, log: options.log, dataDir, owner: options.owner ?? 'minions' };
  return {
    dataDir,
    embedder: (signal) => options.embedder.get(signal),
    async repository(path, signal) {
      const repository = await abortable(resolveRepository(path), signal);
      if (isWithin(repository.root, dataDir)) {
        throw new MinionsError('invalid-argument', `${repository.root} is minions' data directory (or inside it), not a repository.`);
      }
      let handle = handles.get(repository.repositoryId);
      if (handle === undefined) {
        handle = new RepositoryIndex(repository, context);
        handles.set(repository.repositoryId, handle);
      }
      return handle;
    },
    releaseEmbedder: () => options.embedder.close(),
    async close() {
      for (const handle of handles.values()) handle.close();
      handles.clear();
      await options.embedder.close();
      store.close();
    },
  };
}
