import type { Table } from '@lancedb/lancedb';
import type { Embedder } from '../embedding/index.js';
import { appendFiles, replaceFiles } from '../store/file-writes.js';
import { readVectors, writeVectors } from '../store/vector-cache.js';
import type { RepositoryTables } from '../store/lance-store.js';
import type { ChunkRow, FileRow } from '../store/rows.js';
import type { PreparedFile } from './prepare-file.js';

/** Running counts of a run. */
export interface BatchCounts {
  chunks: number;
  embedded: number;
  cached: number;
}

/** A row waiting for its vector, and the text that vector is the embedding of. */
export interface PendingRow {
  row: ChunkRow;
  text: string;
}

/** Fills rows whose text was embedded before under this model; returns the rows still without a vector. */
async function fillFromCache(cache: Table, batch: readonly PreparedFile[], dimension: number, counts: BatchCounts): Promise<PendingRow[]> {
  const texts = batch.flatMap((file) => file.texts);
  const vectors = await readVectors(cache, texts.map((text) => text.hash));
  const pending: PendingRow[] = [];
  const zero = new Array<number>(dimension).fill(0);
  for (const file of batch) {
    for (const text of file.texts) {
      const row = file.rows[text.index] as ChunkRow;
      const vector = vectors.get(text.hash);
      row.embedded = vector !== undefined;
      row.vector = vector ? Array.from(vector) : zero;
      if (vector) counts.cached++;
      else pending.push({ row, text: text.text });
    }
  }
  counts.chunks += texts.length;
  return pending;
}

/**
 * Texts per embedder call. The model's activations grow with the call (the attention
 * scores alone are texts x 12 heads x tokens x tokens floats: 400 MB for 128 texts of
 * 256 tokens), and the ONNX arena keeps its largest allocation for the life of the
 * session, so one large call sets the process's memory for good. Measured on fastify
 * (docs/benchmarks.md, "Text first"): the embedder's peak grew by ~150 MB at 8 texts a
 * call, ~450 MB at 32 or 128, with no throughput difference within the noise.
 */
export const EMBED_TEXTS_PER_CALL = 8;

/** Embeds the pending rows' texts (each distinct text once, a bounded number per call) and fills the rows; returns the vectors by text hash. */
export async function embedRows(embedder: Embedder, pending: readonly PendingRow[], counts: BatchCounts, signal: AbortSignal | undefined): Promise<Map<string, number[]>> {
  const byHash = new Map<string, number[]>();
  if (pending.length === 0) return byHash;
  const distinct = new Map<string, string>();
  for (const item of pending) distinct.set(item.row.hash, item.text);
  // Texts of similar length share a call: a call is padded to its longest text, and calls are small.
  const ordered = [...distinct].sort((left, right) => left[1].length - right[1].length);
  const hashes = ordered.map(([hash]) => hash);
  const texts = ordered.map(([, text]) => text);
  for (let start = 0; start < texts.length; start += EMBED_TEXTS_PER_CALL) {
    const vectors = await embedder.embed(texts.slice(start, start + EMBED_TEXTS_PER_CALL), signal ? { signal } : {});
    vectors.forEach((vector, offset) => byHash.set(hashes[start + offset] as string, Array.from(vector)));
  }
  for (const item of pending) {
    item.row.vector = byHash.get(item.row.hash) as number[];
    item.row.embedded = true;
  }
  counts.embedded += distinct.size;
  return byHash;
}

/** Embeds the pending rows' texts (`embedRows`), stores them in the cache (one table version) and fills the rows. */
export async function embedPending(cache: Table, embedder: Embedder, pending: readonly PendingRow[], counts: BatchCounts, signal: AbortSignal | undefined): Promise<void> {
  const vectors = await embedRows(embedder, pending, counts, signal);
  await writeVectors(cache, [...vectors].map(([hash, vector]) => ({ hash, vector })));
}

/**
 * Text phase (of an indexing run and of a live update): the files' new chunks are
 * written at once, with the cached vectors they have and a zero vector (`embedded =
 * false`) otherwise, so the new code is searchable by text before anything is
 * embedded. Returns the rows waiting for vectors. With `appendNew` (an indexing run,
 * which swept the rows the manifest does not know at its start), files the manifest
 * never held are appended instead of merged.
 */
export async function writeTextPhase(tables: RepositoryTables, cache: Table, dimension: number, batch: readonly PreparedFile[], counts: BatchCounts, appendNew = false): Promise<PendingRow[]> {
  const pending = await fillFromCache(cache, batch, dimension, counts);
  const merged = appendNew ? batch.filter((file) => file.known) : batch;
  await replaceFiles(tables, merged.flatMap((file) => file.rows), merged.map((file) => file.file), merged.flatMap((file) => file.symbols));
  if (appendNew) {
    const fresh = batch.filter((file) => !file.known);
    await appendFiles(tables, fresh.flatMap((file) => file.rows), fresh.map((file) => file.file), fresh.flatMap((file) => file.symbols));
  }
  return pending;
}

/**
 * Vector phase: embeds the pending rows and updates only rows that still exist (no
 * insert), so a file changed again meanwhile never gets its old chunks back.
 */
export async function writeVectorPhase(tables: RepositoryTables, cache: Table, embedder: Embedder, pending: readonly PendingRow[], counts: BatchCounts, signal: AbortSignal | undefined): Promise<void> {
  if (pending.length === 0) return;
  await embedPending(cache, embedder, pending, counts, signal);
  await tables.chunks.mergeInsert('id').whenMatchedUpdateAll().execute(pending.map((item) => item.row) as unknown as Record<string, unknown>[]);
}

/** Manifest rows of files whose content is unchanged but whose size or mtime moved. */
export async function writeTouched(tables: RepositoryTables, files: readonly FileRow[]): Promise<void> {
  if (files.length > 0) await tables.files.mergeInsert('path').whenMatchedUpdateAll().whenNotMatchedInsertAll().execute(files as unknown as Record<string, unknown>[]);
}
