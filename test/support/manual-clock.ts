import type { CancelTimer, Clock } from '../../indexer/index.js';

interface ManualTimer {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * A clock whose time moves only when a test advances it. Advancing fires each timer
 * that falls due, in order of deadline (then of scheduling), with `now()` reading the
 * timer's own deadline while it runs; timers those callbacks start fire too if they
 * fall due within the same advance. Nothing fires synchronously from `schedule`, even
 * with a zero delay: `advance(0)` runs what is due now.
 */
export class ManualClock implements Clock {
  private time: number;
  private scheduled = 0;
  private readonly timers = new Set<ManualTimer>();
  private readonly waiters = new Set<{ count: number; resolve: () => void }>();

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(callback: () => void, delayMs: number): CancelTimer {
    const timer: ManualTimer = { at: this.time + Math.max(0, delayMs), order: this.scheduled++, callback };
    this.timers.add(timer);
    for (const waiter of this.waiters) {
      if (this.timers.size < waiter.count) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
    return () => this.timers.delete(timer);
  }

  /**
   * Resolves once at least `count` timers are waiting (at once if they already are):
   * how a test learns that code driven by real events (a file watcher) set its timer.
   */
  whenPending(count = 1): Promise<void> {
    if (this.timers.size >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ count, resolve }));
  }

  /** Moves time forward by `ms`, firing the timers due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Moves time forward to `time`, firing the timers due on the way. */
  advanceTo(time: number): void {
    if (time < this.time) throw new RangeError(`The clock cannot go back from ${this.time} to ${time}.`);
    for (let timer = this.nextDue(time); timer !== undefined; timer = this.nextDue(time)) {
      this.timers.delete(timer);
      this.time = timer.at;
      timer.callback();
    }
    this.time = time;
  }

  /** How many timers are waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  private nextDue(time: number): ManualTimer | undefined {
    let first: ManualTimer | undefined;
    for (const timer of this.timers) {
      if (timer.at <= time && (first === undefined || timer.at < first.at || (timer.at === first.at && timer.order < first.order))) first = timer;
    }
    return first;
  }
}
