// The repositories a data directory holds an index of, read from their meta records
// without opening LanceDB: for `minions mcp` serving the index in process (which lists
// what it can query) and for a command run in a subfolder of an indexed repository.
import { readdir, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readMeta, resolveRepository, type RepositoryMeta } from '../repository-meta.js';

const metaFolderOf = (dataDir: string): string => join(dataDir, 'repositories');

/** Every repository indexed in the data directory, by root; a damaged record is left out (the repository's own commands report it). */
export async function indexedRepositories(dataDir: string): Promise<RepositoryMeta[]> {
  const folder = metaFolderOf(dataDir);
  const names = await readdir(folder).catch(() => [] as string[]);
  const found: RepositoryMeta[] = [];
  for (const name of names.filter((entry) => /^[0-9a-f]{16}\.json$/.test(entry)).sort()) {
    const meta = await readMeta(folder, name.slice(0, -'.json'.length)).catch(() => undefined);
    if (meta !== undefined) found.push(meta);
  }
  return found.sort((a, b) => a.root.localeCompare(b.root));
}

/**
 * The indexed repository a folder belongs to: the folder itself when it has an index, else
 * the nearest folder above it that has one (a command run in `src/` of an indexed repository
 * means that repository). Undefined when neither it nor any folder above has an index.
 */
export async function enclosingIndexedRepository(dataDir: string, path: string): Promise<string | undefined> {
  const folder = metaFolderOf(dataDir);
  let current = await realpath(path).catch(() => undefined);
  while (current !== undefined) {
    const resolved = await resolveRepository(current).catch(() => undefined);
    if (resolved === undefined) return undefined; // a file, or gone meanwhile: the caller reports it
    const { repositoryId, root } = resolved;
    // A damaged record still marks an index: the query then says how to rebuild it.
    if (await readMeta(folder, repositoryId).then((meta) => meta !== undefined, () => true)) return root;
    const parent = dirname(current);
    current = parent === current ? undefined : parent;
  }
  return undefined;
}
