// The vector cache of an embedding model (`vectors_<model>`): vectors by content hash, shared by every repository.
import type * as lancedb from '@lancedb/lancedb';
import type { VectorRow } from './rows.js';
import { slices, sqlIn } from './sql.js';

/** Cached vectors for the given content hashes. */
export async function readVectors(cache: lancedb.Table, hashes: readonly string[]): Promise<Map<string, Float32Array>> {
  const found = new Map<string, Float32Array>();
  for (const slice of slices([...new Set(hashes)], 500)) {
    const rows = (await cache.query().where(sqlIn('hash', slice)).select(['hash', 'vector']).toArray()) as { hash: string; vector: ArrayLike<number> }[];
    for (const row of rows) found.set(row.hash, Float32Array.from(row.vector));
  }
  return found;
}

/** Adds vectors to the cache (one table version for the whole batch). */
export async function writeVectors(cache: lancedb.Table, rows: readonly VectorRow[]): Promise<void> {
  if (rows.length > 0) await cache.mergeInsert('hash').whenNotMatchedInsertAll().execute(rows as unknown as Record<string, unknown>[]);
}
