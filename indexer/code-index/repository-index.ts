import { join } from 'node:path';
import { acquireLock, isAbortError, type HeldLock, type LockHolder } from '../../platform/index.js';
import { MinionsError, type IndexEvent, type IndexSummary, type RepoMap, type RepoMapRequest, type SymbolsResponse, type WatchEvent } from '../../schemas/index.js';
import type { Embedder } from '../embedding/index.js';
import type { FileGraph } from '../graph/file-graph.js';
import { lookupSymbol, readFileGraphs } from '../graph/read-graph.js';
import { analysedGraph } from '../graph/repo-graph.js';
import { repoMapOf } from '../graph/repo-map.js';
import { indexRepository, type IndexRepositoryOptions } from '../indexing/index-repository.js';
import { readMeta, type RepositoryMeta, type RepositoryRef } from '../repository-meta.js';
import { corrupt, type LanceStore, type RepositoryTables } from '../store/lance-store.js';
import { watchRepository, type WatchRepositoryOptions } from '../watch/watch-repository.js';
import type { EmbedderProvider } from './embedder-provider.js';
import { RankingGraph } from './ranking-graph.js';
import { answerQuery, indexCommand, missingIndex, type QueryAnswer, type QueryOptions, type QuerySource, type RepositoryQuery } from './query-policy.js';

/** The logger a code index writes to (pino's `Logger` is one); it says when tables are opened. */
export interface IndexLog {
  debug(object: object, message: string): void;
}

/** What the handles of one code index share. */
export interface IndexContext {
  store: LanceStore;
  metaFolder: string;
  embedder: EmbedderProvider;
  /** The same embedder for queries, batched across concurrent ones (`batchedQueries`). */
  queryEmbedder: EmbedderProvider;
  log?: IndexLog | undefined;
  /** The data directory (real path): write locks live in its `locks/`, and it is never indexed. */
  dataDir: string;
  /** Names this process in its locks (`minions serve`). */
  owner: string;
}

/** How a run that writes (index, watch) takes the repository's write lock when another process holds it. */
export interface WriteLockOptions {
  /** How long to wait for the holder (0, the default: fail at once with `conflict` naming it). */
  waitMs?: number | undefined;
  /** Told once when a wait starts. */
  onWait?: ((holder: LockHolder) => void) | undefined;
  /** How often a wait looks again (250 ms by default). */
  pollMs?: number | undefined;
}

/** Options of one indexing run through a handle (the store, embedder and meta folder are the handle's). */
export type IndexOptions = Omit<IndexRepositoryOptions, 'store' | 'embedder' | 'metaFolder'> & { lock?: WriteLockOptions | undefined };

/** Options of a watcher started through a handle. */
export type WatchOptions = Omit<WatchRepositoryOptions, 'store' | 'embedder' | 'metaFolder'> & { lock?: WriteLockOptions | undefined };

/**
 * One repository's index. Its record (meta file) is read once and again after each
 * indexing pass; its tables are opened once, on the first query, kept open across
 * queries (they see later writes) and opened again after a rebuild, which replaces them.
 */
export class RepositoryIndex {
  /** The repository id: the first 16 hex digits of the sha256 of its real path. */
  readonly id: string;
  /** The repository's real path. */
  readonly root: string;
  private record: Promise<RepositoryMeta | undefined> | undefined;
  private opened: Promise<RepositoryTables> | undefined;
  private readonly source: QuerySource;
  /** The graph signals queries rank with, per index version. */
  private readonly rankingGraph: RankingGraph;

  constructor(
    private readonly repository: RepositoryRef,
    private readonly context: IndexContext,
  ) {
    this.id = repository.repositoryId;
    this.root = repository.root;
    this.rankingGraph = new RankingGraph((read) => this.readGraph(read), context.metaFolder, this.id);
    this.source = { root: this.root, meta: () => this.meta(), tables: (meta) => this.tables(meta), reopen: () => this.forgetTables(), embedder: (signal) => this.context.queryEmbedder.get(signal), graph: (signal) => this.rankingGraph.signals(signal) };
  }

  /** How the index was built and its counts at the last full pass; undefined when never indexed. A damaged record is `index-corrupt`. */
  meta(): Promise<RepositoryMeta | undefined> {
    this.record ??= readMeta(this.context.metaFolder, this.id).then(
      (meta) => {
        // Not remembered: another process may build the index meanwhile.
        if (meta === undefined) this.record = undefined;
        return meta;
      },
      (error: unknown) => {
        this.record = undefined;
        throw error;
      },
    );
    return this.record;
  }

  /** Answers a query under the one query policy (`answerQuery`). */
  async query(request: RepositoryQuery, options: QueryOptions = {}): Promise<QueryAnswer> {
    try {
      return await answerQuery(this.source, request, options);
    } catch (error) {
      // Tables replaced or damaged behind this handle's back are opened afresh next time.
      if (error instanceof MinionsError && error.code === 'index-corrupt') this.forgetTables();
      throw error;
    }
  }

  /**
   * Builds or refreshes the index (as `indexRepository`), yielding its progress events,
   * under the repository's write lock: one writer per repository index across processes.
   */
  async *index(options: IndexOptions = {}): AsyncGenerator<IndexEvent, IndexSummary> {
    const lock = await this.lock('indexing', options);
    try {
      const embedder = await this.context.embedder.get(options.signal);
      return yield* this.follow(indexRepository(this.repository, this.writeOptions(embedder, options)));
    } finally {
      this.record = undefined;
      await lock.release();
    }
  }

  /** Keeps the index fresh as files change (as `watchRepository`), until `options.signal` aborts; holds the write lock throughout. */
  async *watch(options: WatchOptions): AsyncGenerator<WatchEvent, void> {
    const lock = await this.lock('watching', options);
    try {
      const embedder = await this.context.embedder.get(options.signal);
      yield* this.follow(watchRepository(this.repository, this.writeOptions(embedder, options)));
    } finally {
      this.record = undefined;
      await lock.release();
    }
  }

  /** The files and chunks the index holds now, live updates included. */
  async size(): Promise<{ files: number; chunks: number }> {
    const meta = await this.meta();
    if (meta === undefined) throw missingIndex(this.root);
    const tables = await this.tables(meta);
    return { files: await tables.files.countRows("skipped = ''"), chunks: await tables.chunks.countRows() };
  }

  /**
   * What the symbol graph knows of a name: its definitions (by exact name, or the last
   * segment of a qualified one) and up to `limit` references (default 50; `truncated`
   * when there are more). `GET /v1/repositories/:id/symbols`, the agent's
   * `find_definition` and `find_references`.
   */
  symbols(name: string, options: { limit?: number; signal?: AbortSignal } = {}): Promise<SymbolsResponse> {
    return this.readGraph((tables) => lookupSymbol(tables.symbols, name, options));
  }

  /**
   * Every indexed file's part of the symbol graph (definitions, references, imports
   * resolved to repository files), read once per version of the tables and kept: the
   * repo map asks for it on every request.
   */
  fileGraphs(signal?: AbortSignal): Promise<FileGraph[]> {
    return this.readGraph((tables) => readFileGraphs(tables, signal));
  }

  /**
   * The repository's map for a request: the files that matter for the task (personalised
   * PageRank over the symbol graph) with their key signatures, within `budgetTokens`
   * (`buildRepoMap`). The graph's analysis is kept per version of the tables, so only the
   * personalised ranking and the rendering run per request. `index-missing` for a
   * repository never indexed, as queries.
   */
  async repoMap(request: RepoMapRequest, signal?: AbortSignal): Promise<RepoMap> {
    const graph = analysedGraph(await this.fileGraphs(signal));
    signal?.throwIfAborted();
    return repoMapOf(graph.nodes, request);
  }

  /**
   * Brings the graph analysis queries rank with to the index's version of now, and saves
   * it beside the record, so the next process's first query does not analyse (`minions
   * index` calls it after a pass). Queries call it in the background; concurrent calls
   * share one analysis.
   */
  analyseGraph(signal?: AbortSignal): Promise<void> {
    return this.rankingGraph.analyse(signal);
  }

  /** Releases the open tables; a later call opens them again. */
  close(): void {
    const opened = this.opened;
    this.forgetTables();
    void opened?.then(
      (tables) => {
        tables.chunks.close();
        tables.files.close();
        tables.symbols.close();
      },
      () => undefined,
    );
  }

  /** Reads the graph under the query policy's errors: never indexed is `index-missing`, unreadable tables `index-corrupt`. */
  private async readGraph<T>(read: (tables: RepositoryTables, meta: RepositoryMeta) => Promise<T>): Promise<T> {
    const meta = await this.meta();
    if (meta === undefined) throw missingIndex(this.root);
    try {
      return await read(await this.tables(meta), meta);
    } catch (error) {
      if (error instanceof MinionsError || isAbortError(error)) throw error;
      this.forgetTables();
      throw corrupt(`of ${this.root}`, error, `${indexCommand(this.root)} --rebuild`);
    }
  }

  private writeOptions<T extends { lock?: WriteLockOptions | undefined }>(embedder: Embedder, options: T): Omit<T, 'lock'> & { store: LanceStore; embedder: Embedder; metaFolder: string; exclude: string[] } {
    const rest = { ...options };
    delete rest.lock;
    return { ...rest, store: this.context.store, embedder, metaFolder: this.context.metaFolder, exclude: [this.context.dataDir] };
  }

  /** The repository's write lock (`locks/<id>.lock` under the data directory); queries never take it. */
  private lock(doing: string, options: { signal?: AbortSignal | undefined; lock?: WriteLockOptions | undefined }): Promise<HeldLock> {
    return acquireLock(join(this.context.dataDir, 'locks', `${this.id}.lock`), {
      command: `${this.context.owner} (${doing} ${this.root})`,
      waitMs: options.lock?.waitMs,
      signal: options.signal,
      onWait: options.lock?.onWait,
      pollMs: options.lock?.pollMs,
    });
  }

  /** Forwards a run's events; a rebuild replaces the tables and an ended pass rewrites the record. */
  private async *follow<E extends { type: string }, R>(run: AsyncGenerator<E, R>): AsyncGenerator<E, R> {
    let done = false;
    try {
      for (let next = await run.next(); ; next = await run.next()) {
        if (next.done) {
          done = true;
          return next.value;
        }
        if (next.value.type === 'index-rebuild') this.forgetTables();
        if (next.value.type === 'index-end') this.record = undefined;
        yield next.value;
      }
    } finally {
      // A consumer that stops early stops the run too (a watcher closes its file watcher).
      if (!done) await run.return(undefined as never);
    }
  }

  /** The next query opens the tables again; the old objects are left to queries still using them. */
  private forgetTables(): void {
    this.opened = undefined;
  }

  private tables(meta: RepositoryMeta): Promise<RepositoryTables> {
    this.opened ??= this.open(meta).catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  private async open(meta: RepositoryMeta): Promise<RepositoryTables> {
    const { store } = this.context;
    if (!(await store.hasRepository(this.id))) throw new Error('its tables are missing');
    const tables = await store.repository(this.id, meta.dimension, false).catch((error: unknown) => {
      // Chunks and manifest exist (checked above): what is missing is the symbol table of an index built before it.
      if (!(error instanceof MinionsError) || error.code !== 'index-missing') throw error;
      throw new MinionsError('index-missing', `The index of ${this.root} was built before the symbol graph; bring it up to date with \`${indexCommand(this.root)}\` (every vector comes from the cache).`, { cause: error });
    });
    this.context.log?.debug({ repositoryId: this.id, root: this.root }, 'opened the index tables');
    return tables;
  }
}
