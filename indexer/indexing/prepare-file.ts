import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { chunkText, embeddingText, type ChunkOptions } from '../chunk/index.js';
import { classifyContent } from '../files/index.js';
import { searchText } from '../search/search-text.js';
import type { SkipReason } from '../../schemas/index.js';
import { toChunkRow, type ChunkRow, type FileRow } from '../store/rows.js';
import { goModulePath, toSymbolRows, type SymbolRow } from '../store/symbol-rows.js';

/** A file to (re)index: where it is, what discovery saw, and what the manifest held. */
export interface Candidate {
  path: string;
  absolutePath: string;
  size: number;
  mtimeMs: number;
  previous: FileRow | undefined;
}

/** A file read and chunked: its manifest row, its chunk rows (vectors not yet filled) and their embedding texts, its symbol rows. */
export interface PreparedFile {
  file: FileRow;
  rows: ChunkRow[];
  symbols: SymbolRow[];
  texts: { index: number; text: string; hash: string }[];
  /** Why the file was skipped or capped (its manifest row's `skipped`), in words. */
  skip?: { reason: SkipReason; detail: string };
  /** The manifest knew the path: the chunk table may hold old rows of it. */
  known: boolean;
}

/** Options of reading and chunking. */
export interface PrepareOptions {
  maxFileBytes?: number | undefined;
  chunk?: ChunkOptions | undefined;
}

/** Reads, hashes, classifies and chunks one file; 'touch' when its content did not change (only its mtime). */
export async function prepareFile(candidate: Candidate, options: PrepareOptions): Promise<PreparedFile | 'touch'> {
  const base = { path: candidate.path, size: candidate.size, mtime_ms: candidate.mtimeMs, chunks: 0 };
  const known = candidate.previous !== undefined;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(candidate.absolutePath);
  } catch {
    return { file: { ...base, hash: '', skipped: 'unreadable' }, rows: [], symbols: [], texts: [], skip: { reason: 'unreadable', detail: 'file could not be read' }, known };
  }
  const hash = createHash('sha256').update(bytes).digest('hex');
  if (candidate.previous?.hash === hash) return 'touch';
  const file: FileRow = { ...base, hash, skipped: '' };
  const content = classifyContent(candidate.path, bytes, options.maxFileBytes ? { maxFileBytes: options.maxFileBytes } : {});
  if (!content.ok) return { file: { ...file, skipped: content.reason }, rows: [], symbols: [], texts: [], skip: { reason: content.reason, detail: content.detail }, known };
  const { chunks, capped, note, language, graph } = await chunkText(candidate.path, content.text, options.chunk);
  file.chunks = chunks.length;
  const goModule = candidate.path === 'go.mod' || candidate.path.endsWith('/go.mod') ? goModulePath(content.text) : undefined;
  const symbols = toSymbolRows(candidate.path, language, graph, goModule);
  const texts = chunks.map((chunk, index) => ({ index, text: embeddingText(chunk), hash: chunk.contentHash }));
  const rows = chunks.map((chunk, index) => toChunkRow(chunk, index, searchText(texts[index]?.text ?? '')));
  // A capped file keeps its first chunks; the manifest names the reason, as for a skip.
  if (capped) return { file: { ...file, skipped: 'too-many-chunks' }, rows, symbols, texts, skip: { reason: 'too-many-chunks', detail: note ?? '' }, known };
  return { file, rows, symbols, texts, known };
}

/** The manifest row of a file whose content is unchanged but whose size or mtime moved. */
export function touched(candidate: Candidate): FileRow {
  return { ...(candidate.previous as FileRow), size: candidate.size, mtime_ms: candidate.mtimeMs };
}
