import { useEffect, useState } from 'preact/hooks';
import { describeError } from './api.js';

/** What a loaded resource is now: its value (kept while it refreshes) and the last error. */
export interface Loaded<T> {
  value: T | undefined;
  error: string | undefined;
  /** Loads it again now (after a change the page made itself). */
  reload: () => void;
}

/**
 * Loads a value, and again after `nextMs(value)` milliseconds until it says undefined
 * (often while a repository is being indexed or a task runs, rarely otherwise): the
 * server has no stream for these lists, and a poll keeps the page live without one.
 */
export function usePoll<T>(load: (signal: AbortSignal) => Promise<T>, dependencies: unknown[], nextMs: (value: T) => number | undefined): Loaded<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      try {
        const loaded = await load(controller.signal);
        if (controller.signal.aborted) return;
        setValue(loaded);
        setError(undefined);
        const wait = nextMs(loaded);
        if (wait !== undefined) timer = setTimeout(() => void run(), wait);
      } catch (caught) {
        if (controller.signal.aborted) return;
        setError(describeError(caught));
        timer = setTimeout(() => void run(), 5000);
      }
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [...dependencies, tick]);
  return { value, error, reload: () => setTick((count) => count + 1) };
}
