import type { Table } from '@lancedb/lancedb';
import { MinionsError } from '../../schemas/index.js';
import type { Embedder } from '../embedding/index.js';
import { readVectors, writeVectors } from '../store/vector-cache.js';
import type { RepositoryTables } from '../store/lance-store.js';
import type { ChunkRow } from '../store/rows.js';
import { embedRows, type BatchCounts, type PendingRow } from './write-batch.js';

/** Where the vector phase stands: chunks given their vector so far, out of those that waited at its start. */
export interface VectorProgress {
  done: number;
  total: number;
}

/** The chunk table's columns but the vector: what a pending row is read back with (its zero vector is not worth reading). */
const rowColumns = ['id', 'path', 'language', 'kind', 'name', 'qualified_name', 'signature', 'start_line', 'end_line', 'content', 'header', 'doc', 'part_index', 'part_count', 'hash', 'is_secondary', 'search_text', 'embedded'];

/**
 * Rows whose texts are sorted by length and cut into embedder calls together, whatever the
 * page size. An int8 model quantizes a call's activations with one scale, so a text's
 * vector depends a little on its call mates: grouping by a fixed count keeps the vectors
 * (and the retrieval figures measured with them, docs/benchmarks.md) the same when pages
 * grow. With pages of 2,048 and groups of 2,048, both dev sets lost 0.008-0.023 of R@1.
 */
const EMBED_GROUP_ROWS = 512;

/** Up to `limit` rows waiting for their vector (left by the text phase, a live update, or a killed run), with the text to embed. */
export async function readPendingRows(tables: RepositoryTables, limit: number): Promise<PendingRow[]> {
  const rows = (await tables.chunks.query().where('embedded = false').select(rowColumns).limit(limit).toArray()) as ChunkRow[];
  return rows.map((stored) => {
    const row = { ...stored, vector: [] };
    return { row, text: `${row.header}\n${row.content}` };
  });
}

/** Fills the rows whose text is in the vector cache (embedded by an earlier page, another repository, or a run killed after writing it); returns the rest. */
async function fillCached(cache: Table, pending: readonly PendingRow[], counts: BatchCounts): Promise<PendingRow[]> {
  const vectors = await readVectors(cache, pending.map((item) => item.row.hash));
  const rest: PendingRow[] = [];
  for (const item of pending) {
    const vector = vectors.get(item.row.hash);
    if (vector === undefined) rest.push(item);
    else {
      item.row.vector = Array.from(vector);
      item.row.embedded = true;
      counts.cached++;
    }
  }
  return rest;
}

/**
 * Gives a page's rows their vectors: from the cache, else embedded group by group
 * (`EMBED_GROUP_ROWS` rows of the page, a text embedded by an earlier group of the page
 * reused), then the new vectors go to the cache in one write. One cache write a page, not
 * a group: each write is a version and a fragment of the cache table that every later
 * lookup scans (Go's standard library with the hashing embedder of bench-index-memory:
 * vectors done in 104 s instead of 149 s, run side by side; the peak within the noise).
 */
async function embedPage(cache: Table, embedder: Embedder, page: readonly PendingRow[], counts: BatchCounts, signal: AbortSignal | undefined): Promise<void> {
  const waiting = new Set(await fillCached(cache, page, counts));
  const fresh = new Map<string, number[]>();
  for (let start = 0; start < page.length; start += EMBED_GROUP_ROWS) {
    const group: PendingRow[] = [];
    for (const item of page.slice(start, start + EMBED_GROUP_ROWS)) {
      if (!waiting.has(item)) continue;
      const known = fresh.get(item.row.hash);
      if (known === undefined) group.push(item);
      else {
        item.row.vector = known;
        item.row.embedded = true;
        counts.cached++;
      }
    }
    for (const [hash, vector] of await embedRows(embedder, group, counts, signal)) fresh.set(hash, vector);
  }
  await writeVectors(cache, [...fresh].map(([hash, vector]) => ({ hash, vector })));
}

/**
 * The vector phase of an indexing run: every chunk row still waiting for its vector
 * gets it, a page of `pageChunks` rows at a time read back from the table (never the
 * whole tree in memory), each page one update of the chunk table that touches only rows
 * that still exist. The rows' state is the table itself, so a run killed at any moment
 * leaves rows with `embedded = false` that the next run picks up; vectors already
 * written to the cache are not computed again. Yields progress after each page.
 *
 * The chunk table is not compacted during the phase, only by the run's optimisation at
 * its end: on a large table, a compaction between pages (every 20k rows, as before) cost
 * 300 MB and more at its peak each time, and the process kept that memory (a cold index
 * of Go's standard library, 140k chunks: 1.5 GB). Rows updated meanwhile are still found
 * by text search, which also scans rows its index has not taken in yet.
 */
export async function* fillPendingVectors(tables: RepositoryTables, cache: Table, embedder: Embedder, pageChunks: number, counts: BatchCounts, signal: AbortSignal | undefined): AsyncGenerator<VectorProgress> {
  const total = await tables.chunks.countRows('embedded = false');
  let done = 0;
  yield { done, total };
  while (done < total) {
    signal?.throwIfAborted();
    const pending = await readPendingRows(tables, pageChunks);
    if (pending.length === 0) break;
    await embedPage(cache, embedder, pending, counts, signal);
    const result = await tables.chunks.mergeInsert('id').whenMatchedUpdateAll().execute(pending.map((item) => item.row) as unknown as Record<string, unknown>[]);
    // Under the write lock no row can vanish between the read and the update: a page that updates nothing would loop forever.
    if (result.numUpdatedRows === 0) throw new MinionsError('internal', `The vector phase updated none of ${pending.length} rows waiting for vectors.`);
    done += pending.length;
    yield { done: Math.min(done, total), total };
  }
}
