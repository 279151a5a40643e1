import { realpath } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { CodeIndex, RepositoryIndex } from '../../../indexer/index.js';
import { MinionsError, type Repository, type RepositoryPublish, type WatchEvent } from '../../../schemas/index.js';
import { describeHolder, isAbortError, type LockHolder } from '../../../platform/index.js';
import { LOCK_WAIT_MS } from '../../runtime.js';
import { readRegistry, writeRegistry, type RegisteredRepository } from './registry-file.js';
import { applyRepositoryEvent, type EventFollowUp } from './repository-state.js';
import { containsDataDirectory, inside, refusedRoot } from './root-policy.js';

/** Told of every indexing and watcher event of every repository. */
export type RepositoryListener = (id: string, event: WatchEvent) => void;

interface Entry {
  registered: RegisteredRepository;
  state: Repository;
  controller: AbortController;
  /** The repository's index handle, resolved on first need (its root may be gone after a restart). */
  handle?: Promise<RepositoryIndex> | undefined;
}

/** Where an entry keeps its handle (also before the entry exists). */
type HandleSlot = Pick<Entry, 'registered' | 'handle'>;

const idPattern = /^[0-9a-f]{16}$/;

/**
 * The repositories the server serves: persisted in a JSON file, indexed in the
 * background one at a time (status and progress kept for the API), watched when a
 * watcher is wired, and the only paths queries and tasks may name.
 */
export class RepositoryRegistry {
  private readonly entries = new Map<string, Entry>();
  private indexing: Promise<void> = Promise.resolve();
  private persisting: Promise<void> = Promise.resolve();
  private readonly watchers = new Set<Promise<void>>();
  private readonly listeners = new Set<RepositoryListener>();

  private constructor(
    private readonly file: string,
    private readonly index: CodeIndex,
    private readonly log: Logger,
    private readonly watch: boolean,
  ) {}

  /**
   * Loads the registered repositories and starts refreshing their indexes. With
   * `watch`, each index is kept fresh after its first pass (the handle's `watch`);
   * without, repositories are indexed on registration and on restart only.
   */
  static async open(options: { file: string; index: CodeIndex; log: Logger; watch?: boolean | undefined }): Promise<RepositoryRegistry> {
    const registry = new RepositoryRegistry(options.file, options.index, options.log, options.watch ?? false);
    for (const registered of await readRegistry(options.file)) await registry.add(registered);
    return registry;
  }

  /**
   * Registers a repository folder (an absolute path) and starts indexing it; registering
   * it again returns it as is. `publish` sets (or, null, removes) its publish settings.
   */
  async register(path: string, publish?: RepositoryPublish | null): Promise<{ repository: Repository; created: boolean }> {
    if (!isAbsolute(path)) throw new MinionsError('invalid-argument', `The path must be absolute, not "${path}".`);
    // Refused by the path as given and by its real path, before anything is opened: `/proc/self/cwd`
    // or a symlink to `/etc/ssh` must not reach the indexer.
    const real = await realpath(resolve(path)).catch(() => resolve(path));
    const early = refusedRoot(resolve(path)) ?? refusedRoot(real);
    if (early !== undefined) throw new MinionsError('invalid-argument', early);
    const handle = await this.index.repository(resolve(path));
    const refusal = refusedRoot(handle.root) ?? containsDataDirectory(handle.root, this.index.dataDir);
    if (refusal !== undefined) throw new MinionsError('invalid-argument', refusal);
    const known = this.entries.get(handle.id);
    if (known) {
      if (publish !== undefined) await this.configurePublish(known, publish);
      return { repository: structuredClone(known.state), created: false };
    }
    const entry = await this.add({ id: handle.id, root: handle.root, path: resolve(path), registeredAt: new Date().toISOString(), ...(publish ? { publish } : {}) }, handle);
    await this.persist();
    return { repository: structuredClone(entry.state), created: true };
  }

  /** Every registered repository, in registration order. */
  list(): Repository[] {
    return [...this.entries.values()].map((entry) => structuredClone(entry.state));
  }

  /** One repository by id. */
  get(id: string): Repository | undefined {
    const entry = this.entries.get(id);
    return entry && structuredClone(entry.state);
  }

  /** Unregisters a repository, stopping its indexing and watching. Its index stays on disk for reuse. */
  async remove(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry) return false;
    entry.controller.abort();
    this.entries.delete(id);
    await this.persist();
    return true;
  }

  /**
   * The registered repository a request names: its id, or an absolute path that is
   * (after `..` and symlinks are resolved) a registered root. A path that is not under
   * any registered root is `not-found` before anything is read from the disk; one
   * inside a repository but not its root is `invalid-argument`.
   */
  async resolve(repo: string): Promise<Repository> {
    const byId = idPattern.test(repo) ? this.entries.get(repo) : undefined;
    if (byId) return structuredClone(byId.state);
    if (!isAbsolute(repo)) throw new MinionsError('invalid-argument', `repo must be an absolute path or the id of a registered repository, not "${repo}".`);
    const lexical = resolve(repo);
    const entries = [...this.entries.values()];
    if (!entries.some(({ registered }) => inside(lexical, registered.root) || inside(lexical, registered.path))) {
      throw new MinionsError('not-found', `${lexical} is not a registered repository; register it with POST /v1/repositories.`);
    }
    const real = await realpath(lexical).catch((error: unknown) => {
      throw new MinionsError('not-found', `${lexical} does not exist.`, { cause: error });
    });
    const match = entries.find(({ registered }) => registered.root === real);
    if (match) return structuredClone(match.state);
    const container = entries.find(({ registered }) => inside(real, registered.root));
    if (container) {
      throw new MinionsError('invalid-argument', `${lexical} is inside the registered repository ${container.registered.root}; name its root (filters.pathPrefix narrows a query to a folder).`);
    }
    throw new MinionsError('not-found', `${lexical} is not a registered repository; register it with POST /v1/repositories.`);
  }

  /** The index handle of a registered repository (by id), for queries. */
  async handle(id: string): Promise<RepositoryIndex> {
    const entry = this.entries.get(id);
    if (!entry) throw new MinionsError('not-found', `No registered repository has the id ${id}.`);
    return this.handleOf(entry);
  }

  /** Calls `listener` with every indexing and watcher event; returns the unsubscribe function. */
  subscribe(listener: RepositoryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when no first indexing pass is queued or running. */
  async idle(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.indexing;
      await current;
    } while (current !== this.indexing);
  }

  /** Stops indexing and watching, and waits for both to wind down. */
  async close(): Promise<void> {
    for (const entry of this.entries.values()) entry.controller.abort();
    await this.indexing;
    await Promise.all([...this.watchers]);
    await this.persisting;
  }

  private async add(registered: RegisteredRepository, handle?: RepositoryIndex): Promise<Entry> {
    const resolving: HandleSlot = { registered, handle: handle && Promise.resolve(handle) };
    const meta = await this.handleOf(resolving)
      .then((opened) => opened.meta())
      .catch(() => undefined);
    const state: Repository = {
      id: registered.id,
      root: registered.root,
      status: 'indexing',
      progress: { filesDone: 0, filesTotal: 0, chunks: 0, embedded: 0, cached: 0 },
      files: meta?.files ?? 0,
      chunks: meta?.chunks ?? 0,
      watching: false,
      registeredAt: registered.registeredAt,
      ...(meta ? { indexedAt: meta.updatedAt } : {}),
      ...(registered.publish ? { publish: registered.publish } : {}),
    };
    const entry: Entry = { ...resolving, state, controller: new AbortController() };
    this.entries.set(registered.id, entry);
    const run = this.indexing.then(() => this.run(entry));
    this.indexing = run;
    return entry;
  }

  /** Replaces (or, null, removes) a repository's publish settings, persisted at once. */
  private async configurePublish(entry: Entry, publish: RepositoryPublish | null): Promise<void> {
    for (const target of [entry.registered, entry.state]) {
      if (publish === null) delete target.publish;
      else target.publish = publish;
    }
    await this.persist();
  }

  private async persist(): Promise<void> {
    const repositories = [...this.entries.values()].map((entry) => entry.registered);
    const write = this.persisting.then(() => writeRegistry(this.file, repositories));
    this.persisting = write.catch((error: unknown) => this.log.error({ err: error }, 'could not write the repository list'));
    await write;
  }

  /**
   * Builds (or refreshes) one repository's index, then, with a watcher, keeps it
   * fresh. Never throws: failures become its status. The first pass runs inside the
   * registry's serial chain (one repository at a time); watching continues outside it.
   */
  private async run(entry: Entry): Promise<void> {
    const { signal } = entry.controller;
    const { state } = entry;
    if (signal.aborted) return;
    try {
      const handle = await this.handleOf(entry);
      state.watching = this.watch;
      // Another process writing this index (`minions index`) is waited for, as the CLI does.
      const lock = { waitMs: LOCK_WAIT_MS, onWait: (holder: LockHolder) => this.log.warn({ repository: state.root }, `waiting for ${describeHolder(holder)} to release the index`) };
      const events = (this.watch ? handle.watch({ signal, lock }) : handle.index({ signal, lock }))[Symbol.asyncIterator]();
      for (let next = await events.next(); !next.done; next = await events.next()) {
        if (this.apply(entry, next.value) === 'ready') {
          this.follow(entry, events);
          return;
        }
      }
      if (signal.aborted) return;
      Object.assign(state, { status: 'ready', watching: false });
      delete state.error;
    } catch (error) {
      this.fail(entry, error);
    }
  }

  /** Consumes a watcher's events after its startup pass, in the background. */
  private follow(entry: Entry, events: AsyncIterator<WatchEvent>): void {
    const watching: Promise<void> = (async () => {
      for (let next = await events.next(); !next.done; next = await events.next()) this.apply(entry, next.value);
    })()
      .catch((error: unknown) => this.fail(entry, error))
      .finally(() => {
        entry.state.watching = false;
        this.watchers.delete(watching);
      });
    this.watchers.add(watching);
  }

  private apply(entry: Entry, event: WatchEvent): EventFollowUp {
    const followUp = applyRepositoryEvent(entry.state, event);
    if (event.type === 'watch-error') this.log.warn({ repository: entry.state.root, code: event.code }, event.message);
    if (followUp === 'refresh-counts') {
      void this.handleOf(entry)
        .then((handle) => handle.size())
        .then((size) => Object.assign(entry.state, size, { indexedAt: new Date().toISOString() }))
        .catch((error: unknown) => this.log.warn({ err: error, repository: entry.state.root }, 'could not count the index'))
        .finally(() => this.notify(entry, event));
    } else this.notify(entry, event);
    return followUp;
  }

  /** The entry's handle, resolved once; a failure (the root gone or replaced) is retried on the next need. */
  private handleOf(entry: HandleSlot): Promise<RepositoryIndex> {
    const { root, id } = entry.registered;
    entry.handle ??= this.index
      .repository(root)
      .then((handle) => {
        if (handle.id !== id) throw new MinionsError('not-found', `${root} is no longer the folder that was registered (it now resolves to ${handle.root}).`);
        return handle;
      })
      .catch((error: unknown) => {
        entry.handle = undefined;
        throw error;
      });
    return entry.handle;
  }

  private notify(entry: Entry, event: WatchEvent): void {
    for (const listener of this.listeners) listener(entry.state.id, event);
  }

  private fail(entry: Entry, error: unknown): void {
    const { state } = entry;
    state.watching = false;
    if (entry.controller.signal.aborted || isAbortError(error)) return;
    state.status = 'error';
    state.error = error instanceof MinionsError ? error.message : 'Indexing failed; the server log has the details.';
    this.log.error({ err: error, repository: state.root }, 'indexing failed');
  }
}
