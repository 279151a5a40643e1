import { systemClock, type CancelTimer, type Clock } from './clock.js';

/** When a batch is flushed: after `debounceMs` without a change, or `maxWaitMs` after its first change. */
export interface BatchTiming {
  debounceMs: number;
  maxWaitMs: number;
}

/** How a collector batches, and the clock it reads (`systemClock` unless given). */
export interface ChangeCollectorOptions extends BatchTiming {
  clock?: Clock | undefined;
}

/** Changes gathered since the last batch was taken. */
export interface ChangeBatch {
  /** Files created, changed or deleted (relative paths). */
  paths: Set<string>;
  /** Folders deleted or moved away: every indexed path under them is gone. */
  folders: Set<string>;
  /** An ignore file changed: the rules must be read again and the repository reconciled. */
  rulesChanged: boolean;
  /** The repository root itself was deleted or moved (or may have been). */
  rootChanged: boolean;
  /** Errors the file watcher reported. */
  errors: Error[];
  /** The clock's `now()` at the first change. */
  firstAt: number;
}

/**
 * chokidar drops a file's `change` events for 50 ms after it emitted one (with no
 * trailing event). A batch flushed by `maxWaitMs` may read a file within that window,
 * so a write the window swallowed would be missed: such paths are read once more,
 * this long after the batch was taken. Flushes after a quiet `debounceMs` of at least
 * this long never need it.
 */
export const SETTLE_MS = 75;

type Waiter = (result: ChangeBatch | 'idle' | undefined) => void;

/**
 * Debounces and batches file changes for one repository. The watcher adds changes
 * as they come; the indexing loop takes one batch at a time with `next`, so changes
 * arriving while a batch is being indexed go to the following batch.
 */
export class ChangeCollector {
  private pending: ChangeBatch | undefined;
  private lastAt = 0;
  private readonly lastChange = new Map<string, number>();
  private waiter: Waiter | undefined;
  private cancelTimer: CancelTimer | undefined;
  private readonly rechecks = new Set<CancelTimer>();
  private readonly timing: BatchTiming;
  private readonly clock: Clock;

  constructor(options: ChangeCollectorOptions) {
    this.timing = { debounceMs: options.debounceMs, maxWaitMs: options.maxWaitMs };
    this.clock = options.clock ?? systemClock;
  }

  /** A file was created, changed or deleted. */
  addPath(path: string): void {
    this.lastChange.set(path, this.clock.now());
    this.touch().paths.add(path);
  }

  /** A folder was deleted or moved away. */
  addFolder(path: string): void {
    this.touch().folders.add(path);
  }

  /** An ignore file (or `info/exclude`) changed. */
  rulesChanged(): void {
    this.touch().rulesChanged = true;
  }

  /** The root was deleted, moved, or reported an event about itself. */
  rootChanged(): void {
    this.touch().rootChanged = true;
  }

  /** The file watcher failed (out of watches, permissions, ...). */
  addError(error: Error): void {
    this.touch().errors.push(error);
  }

  /**
   * The next batch once it is due; `'idle'` when `idleMs` passes with no change at
   * all; undefined when the signal aborts.
   */
  next(signal: AbortSignal, idleMs?: number): Promise<ChangeBatch | 'idle' | undefined> {
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onAbort = (): void => this.settle(undefined);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      if (this.pending) this.schedule();
      else if (idleMs !== undefined) this.cancelTimer = this.clock.schedule(() => this.settle('idle'), idleMs);
    });
  }

  /** Stops every timer; a pending `next` resolves undefined. */
  close(): void {
    for (const cancel of this.rechecks) cancel();
    this.rechecks.clear();
    this.settle(undefined);
  }

  private touch(): ChangeBatch {
    this.lastAt = this.clock.now();
    this.pending ??= { paths: new Set(), folders: new Set(), rulesChanged: false, rootChanged: false, errors: [], firstAt: this.lastAt };
    if (this.waiter) this.schedule();
    return this.pending;
  }

  private schedule(): void {
    const batch = this.pending;
    if (!batch) return;
    this.cancelTimer?.();
    const due = Math.min(this.lastAt + this.timing.debounceMs, batch.firstAt + this.timing.maxWaitMs);
    this.cancelTimer = this.clock.schedule(() => this.settle(this.take(due)), Math.max(0, due - this.clock.now()));
  }

  /**
   * Takes the pending batch when its timer fires. Any change since the timer was set
   * would have set it again, so the firing itself means `due` was reached: freshness
   * is measured from `due`, or from `now()` when the timer fired late. Re-reading the
   * clock alone would not do: Node's timers fire up to ~0.5 ms early against
   * `performance.now()`, which made every debounced one-file edit look fresh and
   * become two batches.
   */
  private take(due: number): ChangeBatch | undefined {
    const batch = this.pending;
    this.pending = undefined;
    if (!batch) return undefined;
    const now = Math.max(due, this.clock.now());
    const fresh: string[] = [];
    for (const path of batch.paths) {
      // Paths added back by a recheck have no last change: they are never fresh again.
      const changedAt = this.lastChange.get(path);
      if (changedAt !== undefined && now - changedAt < SETTLE_MS) fresh.push(path);
      this.lastChange.delete(path);
    }
    if (fresh.length > 0) this.recheckLater(fresh);
    return batch;
  }

  /** Adds paths again after `SETTLE_MS`, as changes that need no further recheck. */
  private recheckLater(paths: readonly string[]): void {
    const cancel = this.clock.schedule(() => {
      this.rechecks.delete(cancel);
      const batch = this.touch();
      for (const path of paths) batch.paths.add(path);
    }, SETTLE_MS);
    this.rechecks.add(cancel);
  }

  private settle(result: ChangeBatch | 'idle' | undefined): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(result);
  }
}
