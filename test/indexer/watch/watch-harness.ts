import { watchRepository, type WatchRepositoryOptions } from '../../../indexer/index.js';
import type { WatchEvent } from '../../../schemas/index.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import type { IndexFixture } from '../index-helpers.js';
import { describeDifference } from './index-state.js';

type Options = Partial<Omit<WatchRepositoryOptions, 'store' | 'embedder' | 'metaFolder' | 'signal'>>;

/** One running watcher over a temporary repository, with its events recorded as they come. */
export class WatchHarness {
  readonly events: WatchEvent[] = [];
  /** Set when the event stream has ended (returned or thrown). */
  ended = false;
  failure: unknown;
  private readonly controller = new AbortController();
  private readonly listeners = new Set<() => void>();
  private pump: Promise<void> = Promise.resolve();

  constructor(readonly fixture: IndexFixture, readonly root: string, readonly embedder: RecordingEmbedder) {}

  /** Starts watching `root` and waits for `watch-ready`. */
  static async start(fixture: IndexFixture, root: string, options: Options = {}, embedder = new RecordingEmbedder()): Promise<WatchHarness> {
    const harness = new WatchHarness(fixture, root, embedder);
    harness.run(options);
    await harness.waitFor((event) => event.type === 'watch-ready', 'watch-ready', 20_000);
    return harness;
  }

  /** Events of one type, in order. */
  ofType<T extends WatchEvent['type']>(type: T): Extract<WatchEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<WatchEvent, { type: T }> => event.type === type);
  }

  /** The first event from `from` on that matches; waits for it (rejects after `timeoutMs` or when the stream ends). */
  waitFor(predicate: (event: WatchEvent) => boolean, label: string, timeoutMs = 10_000, from = 0): Promise<WatchEvent> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.events.slice(from).find(predicate);
        if (found) finish(() => resolve(found));
        else if (this.ended) finish(() => reject(new Error(`the watcher ended before ${label}: ${String(this.failure ?? 'no error')}`)));
        return found !== undefined || this.ended;
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}; events: ${this.summary()}`))), timeoutMs);
      const finish = (settle: () => void): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        settle();
      };
      const listener = (): void => void check();
      this.listeners.add(listener);
      check();
    });
  }

  /**
   * Waits until the index matches the disk exactly, checking after each batch or
   * reconciliation that ends (and once now); rejects with the difference on timeout.
   */
  async converged(timeoutMs = 10_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    // Events are counted before each check, so a batch that ends during the check is not waited for again.
    let from = this.events.length;
    let difference = await this.difference();
    while (difference !== undefined) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw new Error(`the index did not converge: ${difference}; events: ${this.summary()}`);
      await this.waitFor((event) => event.type === 'watch-batch-end' || event.type === 'index-end' || event.type === 'watch-error', 'a batch end', remaining, from).catch(() => undefined);
      from = this.events.length;
      difference = await this.difference();
    }
  }

  difference(): Promise<string | undefined> {
    return describeDifference(this.fixture.store, this.root, this.embedder.dimension);
  }

  /** Aborts the watcher and waits for its stream to end. */
  async stop(): Promise<void> {
    this.controller.abort();
    await this.pump;
  }

  /** A compact list of the event types seen, for failure messages. */
  summary(): string {
    return this.events.map((event) => event.type).join(', ');
  }

  private run(options: Options): void {
    const stream = watchRepository(this.root, { store: this.fixture.store, embedder: this.embedder, metaFolder: this.fixture.metaFolder, signal: this.controller.signal, ...options });
    this.pump = (async () => {
      try {
        for await (const event of stream) {
          this.events.push(event);
          for (const listener of [...this.listeners]) listener();
        }
      } catch (error) {
        this.failure = error;
      } finally {
        this.ended = true;
        for (const listener of [...this.listeners]) listener();
      }
    })();
  }
}
