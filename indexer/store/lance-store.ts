import { lstat, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
// Before LanceDB, which then finds apache-arrow already loaded (./arrow.ts).
import './arrow.js';
import * as lancedb from '@lancedb/lancedb';
import { MinionsError } from '../../schemas/index.js';
import { chunkSchema, fileSchema, vectorSchema } from './rows.js';
import { processSession } from './session.js';
import { symbolSchema } from './symbol-rows.js';

/** A repository's tables: its chunks (with vectors and a full-text index), its file manifest and its symbol graph. */
export interface RepositoryTables {
  chunks: lancedb.Table;
  files: lancedb.Table;
  symbols: lancedb.Table;
}

type TableSchema = Parameters<lancedb.Connection['createEmptyTable']>[1];

/** Wraps a LanceDB failure on existing data as `index-corrupt`, with the command that rebuilds it. */
export function corrupt(what: string, error: unknown, rebuild: string): MinionsError {
  const cause = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new MinionsError('index-corrupt', `The index ${what} is damaged or unreadable (${cause}). Rebuild it with \`${rebuild}\`.`, { cause: error });
}

/** Table names: one chunk table, one manifest and one symbol table per repository, one vector cache per embedding model. */
export const tableNames = {
  chunks: (repositoryId: string) => `chunks_${repositoryId}`,
  files: (repositoryId: string) => `files_${repositoryId}`,
  symbols: (repositoryId: string) => `symbols_${repositoryId}`,
  vectors: (modelId: string) => `vectors_${modelId.replace(/[^A-Za-z0-9]+/g, '_').toLowerCase()}`,
};

/** The embedded LanceDB database under the data directory, with the operations the indexer and search need. */
export class LanceStore {
  private constructor(
    private readonly connection: lancedb.Connection,
    private readonly folder: string,
  ) {}

  /**
   * Opens (creating if needed) the database in a folder. With `readConsistencySeconds`
   * 0, a table kept open sees every later write to it, by any table object or process
   * (each read checks for a newer version); without it, a table sees its own writes only.
   * Every store of the process shares one LanceDB session, so its caches are bounded
   * once for the process (`setStoreCache`).
   */
  static async open(folder: string, options: { readConsistencySeconds?: number } = {}): Promise<LanceStore> {
    const consistency = options.readConsistencySeconds === undefined ? {} : { readConsistencyInterval: options.readConsistencySeconds };
    return new LanceStore(await lancedb.connect(folder, { ...consistency, session: processSession() }), folder);
  }

  /** Whether a repository has tables. */
  async hasRepository(repositoryId: string): Promise<boolean> {
    const names = await this.connection.tableNames();
    return names.includes(tableNames.chunks(repositoryId)) && names.includes(tableNames.files(repositoryId));
  }

  /**
   * Opens a repository's tables, creating them empty when `create` is set. An index
   * built before the symbol graph has no symbol table: without `create` that is
   * `index-missing` (its meta file's chunker version makes the next `index` rebuild it).
   */
  async repository(repositoryId: string, dimension: number, create: boolean): Promise<RepositoryTables> {
    const names = await this.connection.tableNames();
    const open = async (name: string, schema: TableSchema): Promise<lancedb.Table> => {
      if (names.includes(name)) return create ? this.openOrRecreate(name, schema) : this.connection.openTable(name);
      if (!create) throw new MinionsError('index-missing', `Table ${name} does not exist; index the repository again (\`minions index <repo>\`) to build it.`);
      return this.connection.createEmptyTable(name, schema, { existOk: true });
    };
    return {
      chunks: await open(tableNames.chunks(repositoryId), chunkSchema(dimension)),
      files: await open(tableNames.files(repositoryId), fileSchema),
      symbols: await open(tableNames.symbols(repositoryId), symbolSchema),
    };
  }

  /** Drops a repository's tables (a rebuild starts from nothing). */
  async dropRepository(repositoryId: string): Promise<void> {
    const names = await this.connection.tableNames();
    for (const name of [tableNames.chunks(repositoryId), tableNames.files(repositoryId), tableNames.symbols(repositoryId)]) {
      if (names.includes(name)) await this.connection.dropTable(name);
    }
  }

  /** Every table of a repository: its chunks and manifest, and any other table named after it (`<kind>_<id>`). */
  async tablesOf(repositoryId: string): Promise<string[]> {
    return (await this.connection.tableNames()).filter((name) => name.endsWith(`_${repositoryId}`) && !name.startsWith('vectors_'));
  }

  /** Drops every table of a repository (`minions forget`); returns their names. */
  async forgetRepository(repositoryId: string): Promise<string[]> {
    const names = await this.tablesOf(repositoryId);
    for (const name of names) await this.connection.dropTable(name);
    return names;
  }

  /** Bytes on disk of the given tables (LanceDB keeps each in a `<name>.lance` folder). */
  async tableBytes(names: readonly string[]): Promise<number> {
    let total = 0;
    for (const name of names) total += await folderBytes(join(this.folder, `${name}.lance`));
    return total;
  }

  /** The embedding cache table of a model. */
  async vectorCache(modelId: string, dimension: number): Promise<lancedb.Table> {
    const name = tableNames.vectors(modelId);
    if ((await this.connection.tableNames()).includes(name)) return this.openOrRecreate(name, vectorSchema(dimension));
    return this.connection.createEmptyTable(name, vectorSchema(dimension), { existOk: true });
  }

  /**
   * Makes sure the vector cache of a model can be read in full, before a rebuild drops
   * anything. The cache is only a cache (every vector can be computed again), so a
   * damaged one is moved aside (`vectors_<model>.lance.damaged-<time>`, for a look or
   * removal) and an empty one created; returns where it went, or undefined when it was sound.
   */
  async repairVectorCache(modelId: string, dimension: number): Promise<string | undefined> {
    const name = tableNames.vectors(modelId);
    try {
      const cache = await this.vectorCache(modelId, dimension);
      try {
        for await (const _batch of cache.query().select(['hash', 'vector'])) void _batch;
      } finally {
        cache.close();
      }
      return undefined;
    } catch {
      const aside = join(this.folder, `${name}.lance.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      await rename(join(this.folder, `${name}.lance`), aside);
      await this.connection.createEmptyTable(name, vectorSchema(dimension), { existOk: true });
      return aside;
    }
  }

  /**
   * Opens a table. A process killed while creating a table leaves its folder with no
   * committed version: it holds nothing, cannot be opened, and is created again. A
   * table with versions that fails to open is an error (`index-corrupt` upstream).
   */
  private async openOrRecreate(name: string, schema: TableSchema): Promise<lancedb.Table> {
    try {
      return await this.connection.openTable(name);
    } catch (error) {
      const versions = await readdir(join(this.folder, `${name}.lance`, '_versions')).catch(() => []);
      if (versions.length > 0) throw error;
      await this.connection.dropTable(name);
      return this.connection.createEmptyTable(name, schema, { existOk: true });
    }
  }

  close(): void {
    this.connection.close();
  }
}

/** The bytes of the files under a folder (0 when it does not exist). */
async function folderBytes(folder: string): Promise<number> {
  const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
  let total = 0;
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else total += await lstat(path).then((info) => info.size, () => 0);
  }
  return total;
}
