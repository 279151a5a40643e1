import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { answerQuery } from '../../indexer/code-index/index.js';
import { LanceStore, indexRepository, queryRepository, resolveRepository, updateFiles, type Embedder, type IndexRepositoryOptions, type QueryAnswer } from '../../indexer/index.js';
import { readMeta } from '../../indexer/repository-meta.js';
import type { IndexEvent, IndexSummary, QueryRequest, QueryResult } from '../../schemas/index.js';
import { writeTree } from '../support/file-tree.js';

/** A temporary data directory and repositories for index tests, removed by `dispose`. */
export class IndexFixture {
  private constructor(readonly folder: string, readonly store: LanceStore) {}

  static async create(): Promise<IndexFixture> {
    const folder = await mkdtemp(join(tmpdir(), 'minions-index-'));
    return new IndexFixture(folder, await LanceStore.open(join(folder, 'data', 'lancedb')));
  }

  get metaFolder(): string {
    return join(this.folder, 'data', 'repositories');
  }

  get lanceFolder(): string {
    return join(this.folder, 'data', 'lancedb');
  }

  /** Writes files (path -> content) into a repository folder, creating it. */
  async repo(name: string, files: Record<string, string | Buffer>): Promise<string> {
    return writeTree(join(this.folder, name), files);
  }

  /** Runs an index to its end and returns the summary and every event. */
  async index(root: string, embedder: Embedder, options: Partial<IndexRepositoryOptions> = {}): Promise<{ summary: IndexSummary; events: IndexEvent[] }> {
    const events: IndexEvent[] = [];
    const run = indexRepository(root, { store: this.store, embedder, metaFolder: this.metaFolder, ...options });
    for await (const event of run) events.push(event);
    const end = events.find((event) => event.type === 'index-end');
    if (!end || end.type !== 'index-end') throw new Error('index ended without a summary');
    return { summary: end.summary, events };
  }

  /** Starts a live update of some paths; the caller drives the generator. */
  update(root: string, paths: string[], embedder: Embedder): AsyncGenerator<IndexEvent, unknown> {
    return updateFiles(root, paths, { store: this.store, embedder, metaFolder: this.metaFolder });
  }

  query(request: QueryRequest, embedder?: Embedder): Promise<QueryResult[]> {
    return queryRepository(request, { store: this.store, metaFolder: this.metaFolder, ...(embedder ? { embedder } : {}) });
  }

  /** The whole answer of the query policy (ranked files too, for `group: 'file'`). */
  async answer(request: QueryRequest, embedder?: Embedder): Promise<QueryAnswer> {
    const repository = await resolveRepository(request.repo);
    const source = {
      root: repository.root,
      meta: () => readMeta(this.metaFolder, repository.repositoryId),
      tables: (meta: { dimension: number }) => this.store.repository(repository.repositoryId, meta.dimension, false),
      embedder: async () => embedder,
    };
    return answerQuery(source, request);
  }

  async dispose(): Promise<void> {
    this.store.close();
    await rm(this.folder, { recursive: true, force: true });
  }
}
