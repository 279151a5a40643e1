import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { MinionsError, type SkippedFile } from '../schemas/index.js';
import { chunkText, type ChunkOptions, type ChunkedFile } from './chunk/index.js';
import { discoverFiles, readAndClassify } from './files/index.js';

/** Options of {@link chunkPath}. */
export interface ChunkPathOptions extends ChunkOptions {
  signal?: AbortSignal;
  /** Files larger than this are skipped (default 1 MiB). */
  maxFileBytes?: number;
}

/** One result of chunking a tree: a chunked file, or a skipped one with its reason. */
export type ChunkPathResult = { type: 'file'; file: ChunkedFile } | { type: 'skipped'; skipped: SkippedFile };

async function chunkOne(absolutePath: string, path: string, options: ChunkPathOptions): Promise<ChunkPathResult> {
  const content = await readAndClassify(absolutePath, path, options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes });
  if (!content.ok) return { type: 'skipped', skipped: { path, reason: content.reason, detail: content.detail } };
  return { type: 'file', file: await chunkText(path, content.text, options) };
}

/**
 * Chunks a file, or every file of a folder that discovery keeps (ignores, symlinks
 * and size caps applied), in path order. Paths in results are relative to the folder
 * (for a single file: its name). A missing path is a `not-found` error.
 */
export async function* chunkPath(target: string, options: ChunkPathOptions = {}): AsyncGenerator<ChunkPathResult> {
  const info = await stat(target).catch((error: unknown) => {
    throw new MinionsError('not-found', `No file or folder at ${target}.`, { cause: error });
  });
  if (info.isFile()) {
    yield await chunkOne(target, basename(target), options);
    return;
  }
  if (!info.isDirectory()) throw new MinionsError('invalid-argument', `${target} is neither a file nor a folder.`);
  const discoverOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }) };
  for await (const entry of discoverFiles(target, discoverOptions)) {
    options.signal?.throwIfAborted();
    if (entry.type === 'skipped') yield { type: 'skipped', skipped: { path: entry.path, reason: entry.reason, detail: entry.detail } };
    else yield await chunkOne(entry.absolutePath, entry.path, options);
  }
}
