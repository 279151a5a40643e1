// The indexed repositories of a data directory as a whole, for `minions repos` and
// `minions forget`: listed from their records (no table is opened), and removed with
// every table, record and lock they have. The storage layout stays known only here.
import { realpath, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { acquireLock } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { savedSignalsPath } from '../graph/saved-signals.js';
import { readMeta, repositoryIdOf, resolveRepository } from '../repository-meta.js';
import { LanceStore } from '../store/lance-store.js';
import { indexedRepositories } from './indexed-repositories.js';

/** One indexed repository as `minions repos` shows it. */
export interface IndexedRepository {
  repositoryId: string;
  /** The repository's real path when it was indexed. */
  root: string;
  /** Whether that folder still exists. */
  present: boolean;
  files: number;
  chunks: number;
  /** Bytes of its tables on disk (the shared vector cache is not counted). */
  bytes: number;
  /** When its index was last written (ISO 8601). */
  updatedAt: string;
  model: string;
}

/** What `forgetRepository` removed. */
export interface ForgottenRepository {
  repositoryId: string;
  root: string;
  tables: string[];
  bytes: number;
}

const layout = (dataDir: string): { lancedb: string; records: string; locks: string } => ({
  lancedb: join(dataDir, 'lancedb'),
  records: join(dataDir, 'repositories'),
  locks: join(dataDir, 'locks'),
});

/** The repositories indexed under a data directory, by path. A damaged record is skipped (`forget` by id still removes it). */
export async function listIndexedRepositories(dataDir: string): Promise<IndexedRepository[]> {
  const records = await indexedRepositories(dataDir);
  if (records.length === 0) return [];
  const store = await LanceStore.open(layout(dataDir).lancedb);
  try {
    const found: IndexedRepository[] = [];
    for (const meta of records) {
      const present = await stat(meta.root).then((info) => info.isDirectory(), () => false);
      const bytes = await store.tableBytes(await store.tablesOf(meta.repositoryId));
      found.push({ repositoryId: meta.repositoryId, root: meta.root, present, files: meta.files, chunks: meta.chunks, bytes, updatedAt: meta.updatedAt, model: meta.model });
    }
    return found;
  } finally {
    store.close();
  }
}

/**
 * Removes a repository's index: its tables, its record and its lock file. `target` is
 * its path (it may be gone from disk) or its id. Refused with `conflict` while a writer
 * (an index run, a watcher, a server watching it) holds its lock; `not-found` when
 * nothing is indexed under that name.
 */
export async function forgetRepository(dataDir: string, target: string, options: { command: string }): Promise<ForgottenRepository> {
  const folders = layout(dataDir);
  const repositoryId = await idOf(dataDir, target);
  const meta = await readMeta(folders.records, repositoryId).catch(() => undefined);
  const store = await LanceStore.open(folders.lancedb);
  try {
    const tables = await store.tablesOf(repositoryId);
    const recorded = await stat(join(folders.records, `${repositoryId}.json`)).then(() => true, () => false);
    if (tables.length === 0 && !recorded) throw new MinionsError('not-found', `Nothing is indexed for ${target} under ${dataDir}; \`minions repos\` lists what is.`);
    // The write lock: no index run or watcher may write while the tables go, and one that holds it is named.
    const lock = await acquireLock(join(folders.locks, `${repositoryId}.lock`), { command: options.command });
    try {
      const bytes = await store.tableBytes(tables);
      await store.forgetRepository(repositoryId);
      await rm(join(folders.records, `${repositoryId}.json`), { force: true });
      await rm(savedSignalsPath(folders.records, repositoryId), { force: true });
      return { repositoryId, root: meta?.root ?? target, tables, bytes };
    } finally {
      await lock.release();
    }
  } finally {
    store.close();
  }
}

/** The id of a repository named by id, by its path, or by the path of a folder deleted since (matched against the records). */
async function idOf(dataDir: string, target: string): Promise<string> {
  if (/^[0-9a-f]{16}$/.test(target)) return target;
  const present = await stat(target).then((info) => info.isDirectory(), () => false);
  if (present) return (await resolveRepository(target)).repositoryId;
  const absolute = resolve(target);
  const recorded = (await indexedRepositories(dataDir)).find((repository) => repository.root === absolute);
  if (recorded !== undefined) return recorded.repositoryId;
  // A folder gone from disk: its real path was its absolute path unless a symlink led there.
  const real = await realpath(absolute).catch(() => absolute);
  return repositoryIdOf(real);
}
