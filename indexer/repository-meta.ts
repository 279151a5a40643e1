import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MinionsError } from '../schemas/index.js';

/**
 * Version of the chunker's output and of the chunk table's layout. Bump it when chunk
 * boundaries, headers, hashes or stored columns change: every index built with another
 * version is rebuilt (vectors still come from the cache), and says why. Version 3
 * added the symbol table (`symbols_<id>`): indexes built before it are rebuilt. Version
 * 4 packs a file's references to one name into one symbol row.
 */
export const CHUNKER_VERSION = 4;

/** What an index was built with, and its counts; kept as a small JSON file per repository. */
export interface RepositoryMeta {
  repositoryId: string;
  root: string;
  chunker: number;
  model: string;
  dimension: number;
  updatedAt: string;
  files: number;
  chunks: number;
}

/** A repository folder resolved to its real path, and the stable id its tables are named by. */
export interface RepositoryRef {
  root: string;
  repositoryId: string;
}

/** Resolves a repository folder; a missing path or a file is a clear `not-found`/`invalid-argument` error. */
export async function resolveRepository(path: string): Promise<RepositoryRef> {
  const info = await stat(path).catch((error: unknown) => {
    throw new MinionsError('not-found', `No repository at ${path}: the folder does not exist.`, { cause: error });
  });
  if (!info.isDirectory()) throw new MinionsError('invalid-argument', `${path} is not a folder; give the repository's root folder.`);
  const root = await realpath(path);
  return { root, repositoryId: repositoryIdOf(root) };
}

/** The id a repository's tables and record are named by: derived from its real path. */
export function repositoryIdOf(root: string): string {
  return createHash('sha256').update(root).digest('hex').slice(0, 16);
}

const metaPath = (folder: string, repositoryId: string): string => join(folder, `${repositoryId}.json`);

/** Reads a repository's meta file, or undefined when it was never indexed. A damaged file is `index-corrupt`. */
export async function readMeta(folder: string, repositoryId: string): Promise<RepositoryMeta | undefined> {
  let text: string;
  try {
    text = await readFile(metaPath(folder, repositoryId), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const meta = JSON.parse(text) as RepositoryMeta;
    if (typeof meta.chunker !== 'number' || typeof meta.model !== 'string' || typeof meta.dimension !== 'number') throw new Error('missing fields');
    return meta;
  } catch (error) {
    throw new MinionsError('index-corrupt', `The index record ${metaPath(folder, repositoryId)} is damaged. Rebuild it with \`minions index <repo> --rebuild\`.`, { cause: error });
  }
}

/** Writes the meta file atomically (temporary file, then rename). */
export async function writeMeta(folder: string, meta: RepositoryMeta): Promise<void> {
  await mkdir(folder, { recursive: true });
  const target = metaPath(folder, meta.repositoryId);
  const temporary = `${target}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(temporary, target);
}

/** Why an index built as `meta` cannot serve `model`/`dimension` with this chunker, or undefined when it can. */
export function rebuildReason(meta: RepositoryMeta, model: string, dimension: number): string | undefined {
  if (meta.chunker !== CHUNKER_VERSION) return `the chunker changed (version ${meta.chunker} -> ${CHUNKER_VERSION})`;
  if (meta.model !== model || meta.dimension !== dimension) return `the embedding model changed (${meta.model} -> ${model})`;
  return undefined;
}
