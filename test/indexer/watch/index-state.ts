import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { chunkText, discoverFiles, queryRepository, readAndClassify, resolveRepository, type Embedder, type LanceStore } from '../../../indexer/index.js';
import { goModulePath, toSymbolRows, type SymbolRow } from '../../../indexer/store/symbol-rows.js';

/** What the index holds for a repository, read straight from its tables. */
export interface IndexState {
  /** Manifest: path -> sha256 of the bytes. */
  manifest: Map<string, string>;
  /** One key per chunk row: `path:start-end:hash`. */
  chunks: string[];
  /** Chunk rows still waiting for their vector. */
  unembedded: number;
  /** One key per symbol row: `path:role:name:kind:start-end:text`. */
  symbols: string[];
}

const symbolKey = (row: Pick<SymbolRow, 'path' | 'role' | 'name' | 'kind' | 'start_line' | 'end_line' | 'text'>): string =>
  `${row.path}:${row.role}:${row.name}:${row.kind}:${row.start_line}-${row.end_line}:${row.text}`;

/** Reads the manifest and the chunk rows of a repository's index. */
export async function readIndexState(store: LanceStore, root: string, dimension: number): Promise<IndexState> {
  const { repositoryId } = await resolveRepository(root);
  const tables = await store.repository(repositoryId, dimension, false);
  const files = (await tables.files.query().select(['path', 'hash']).toArray()) as { path: string; hash: string }[];
  const rows = (await tables.chunks.query().select(['path', 'start_line', 'end_line', 'hash', 'embedded']).toArray()) as { path: string; start_line: number; end_line: number; hash: string; embedded: boolean }[];
  const symbols = (await tables.symbols.query().toArray()) as SymbolRow[];
  return {
    symbols: symbols.map(symbolKey).sort(),
    manifest: new Map(files.map((file) => [file.path, file.hash])),
    chunks: rows.map((row) => `${row.path}:${row.start_line}-${row.end_line}:${row.hash}`).sort(),
    unembedded: rows.filter((row) => !row.embedded).length,
  };
}

/** What the index must hold for the files on disk now: discovery, then the chunker and its tags, exactly as indexing does. */
export async function expectedState(root: string): Promise<Omit<IndexState, 'unembedded'>> {
  const manifest = new Map<string, string>();
  const chunks: string[] = [];
  const symbols: string[] = [];
  for await (const entry of discoverFiles(root)) {
    if (entry.type !== 'file') continue;
    manifest.set(entry.path, createHash('sha256').update(await readFile(entry.absolutePath)).digest('hex'));
    const content = await readAndClassify(entry.absolutePath, entry.path);
    if (!content.ok) continue;
    const { chunks: fileChunks, language, graph } = await chunkText(entry.path, content.text);
    for (const chunk of fileChunks) chunks.push(`${chunk.path}:${chunk.startLine}-${chunk.endLine}:${chunk.contentHash}`);
    const goModule = entry.path.endsWith('go.mod') ? goModulePath(content.text) : undefined;
    for (const row of toSymbolRows(entry.path, language, graph, goModule)) symbols.push(symbolKey(row));
  }
  return { manifest, chunks: chunks.sort(), symbols: symbols.sort() };
}

/**
 * Why the index differs from the disk, or undefined when it matches exactly: the
 * manifest lists every file with its current hash and nothing else, the chunk table
 * holds exactly the current chunks (no ghost of an old version or a deleted file, no
 * duplicate), the symbol table exactly the current files' tags, and every chunk has its vector.
 */
export async function describeDifference(store: LanceStore, root: string, dimension: number): Promise<string | undefined> {
  const [actual, expected] = await Promise.all([readIndexState(store, root, dimension), expectedState(root)]);
  const problems: string[] = [];
  const manifestKeys = (map: Map<string, string>) => [...map].map(([path, hash]) => `${path}:${hash.slice(0, 8)}`).sort();
  const extraFiles = difference(manifestKeys(actual.manifest), manifestKeys(expected.manifest));
  const missingFiles = difference(manifestKeys(expected.manifest), manifestKeys(actual.manifest));
  if (extraFiles.length + missingFiles.length > 0) problems.push(`manifest: extra ${sample(extraFiles)}, missing ${sample(missingFiles)}`);
  const ghosts = difference(actual.chunks, expected.chunks);
  const missing = difference(expected.chunks, actual.chunks);
  if (ghosts.length + missing.length > 0) problems.push(`chunks: ghosts ${sample(ghosts)}, missing ${sample(missing)}`);
  const symbolGhosts = difference(actual.symbols, expected.symbols);
  const symbolsMissing = difference(expected.symbols, actual.symbols);
  if (symbolGhosts.length + symbolsMissing.length > 0) problems.push(`symbols: ghosts ${sample(symbolGhosts)}, missing ${sample(symbolsMissing)}`);
  const duplicates = actual.chunks.filter((key, index) => actual.chunks[index - 1] === key);
  if (duplicates.length > 0) problems.push(`duplicate chunks ${sample(duplicates)}`);
  if (actual.unembedded > 0) problems.push(`${actual.unembedded} chunks without vectors`);
  return problems.length === 0 ? undefined : problems.join('; ');
}

/**
 * Query-level properties over a hybrid query: no result twice, and every result is a
 * chunk of a file as it is now (`path:start-end` of a current chunk).
 */
export async function queryProblems(store: LanceStore, metaFolder: string, root: string, embedder: Embedder, query: string): Promise<string[]> {
  const results = await queryRepository({ repo: root, query, k: 200, mode: 'hybrid' }, { store, metaFolder, embedder });
  const current = new Set((await expectedState(root)).chunks.map((key) => key.slice(0, key.lastIndexOf(':'))));
  const keys = results.map((result) => `${result.path}:${result.startLine}-${result.endLine}`);
  const problems = keys.filter((key) => !current.has(key)).map((key) => `ghost ${key}`);
  if (new Set(keys).size !== keys.length) problems.push('a chunk returned twice');
  return problems;
}

function difference(left: readonly string[], right: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const key of right) counts.set(key, (counts.get(key) ?? 0) + 1);
  const result: string[] = [];
  for (const key of left) {
    const count = counts.get(key) ?? 0;
    if (count > 0) counts.set(key, count - 1);
    else result.push(key);
  }
  return result;
}

function sample(keys: readonly string[]): string {
  return keys.length === 0 ? 'none' : `${keys.length} (${keys.slice(0, 3).join(', ')}${keys.length > 3 ? ', ...' : ''})`;
}
