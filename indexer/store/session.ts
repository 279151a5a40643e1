// LanceDB's caches, one session for the whole process, bounded.
// Before LanceDB, which then finds apache-arrow already loaded (./arrow.ts).
import './arrow.js';
import * as lancedb from '@lancedb/lancedb';

/**
 * LanceDB's caches, in MB: the index cache (full-text and scalar index pages) and the
 * metadata cache (manifests, fragment and file metadata, deletion files). LanceDB's own
 * defaults are 6 GB and 1 GB, and both fill as a table grows: a cold index of the Go
 * standard library (140k chunks) held 300 MB in them by the end of its vector phase, half
 * of the 600 MB the indexer may use. Queries read what is not cached from the files (in
 * the OS page cache once read); docs/benchmarks.md has the figures.
 */
export interface StoreCache {
  indexMb: number;
  metadataMb: number;
}

export const DEFAULT_STORE_CACHE: StoreCache = { indexMb: 64, metadataMb: 32 };

let cacheSizes: StoreCache = DEFAULT_STORE_CACHE;
let session: lancedb.Session | undefined;

/** Sets the cache sizes of the process's LanceDB session; stores opened before keep the session they have. */
export function setStoreCache(sizes: StoreCache): void {
  cacheSizes = sizes;
  session = undefined;
}

/** What the caches of the process's LanceDB session hold now: bytes and (about) how many entries. */
export function storeCacheUse(): { bytes: number; items: number } {
  const current = processSession();
  return { bytes: Number(current.sizeBytes()), items: current.approxNumItems() };
}

export function processSession(): lancedb.Session {
  const bytes = (mb: number) => BigInt(Math.round(mb * 1024 * 1024));
  session ??= new lancedb.Session(bytes(cacheSizes.indexMb), bytes(cacheSizes.metadataMb));
  return session;
}
