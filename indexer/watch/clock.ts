/** Cancels a timer started by a `Clock`; calling it after the timer fired does nothing. */
export type CancelTimer = () => void;

/**
 * Time and timers as the watcher's change collector sees them. Injected (as the
 * rate limiter takes `now`) so tests can move time by hand and assert exact batch
 * boundaries; the product uses `systemClock`.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences between readings matter. */
  now(): number;
  /** Calls `callback` once, `delayMs` from now (never synchronously); returns what cancels it. */
  schedule(callback: () => void, delayMs: number): CancelTimer;
}

/** The real clock: `performance.now()` and Node's timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  schedule(callback, delayMs) {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};
