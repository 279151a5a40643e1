/** Runs a task once a slot is free; at most `concurrency` tasks run at a time. */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * A first-come, first-served concurrency limit for file-system calls. Each call
 * holds a slot for one operation only, so tasks never wait on each other's slots
 * and nested use cannot deadlock.
 */
export function createLimiter(concurrency: number): Limiter {
  let running = 0;
  // A queue with a moving head: a directory of 100,000 files queues 100,000 stats,
  // and Array#shift would make that quadratic.
  let waiting: Array<() => void> = [];
  let head = 0;

  const release = (): void => {
    const next = waiting[head];
    if (next === undefined) {
      running -= 1;
      return;
    }
    head += 1;
    if (head > 1024 && head * 2 > waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    next();
  };

  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running < concurrency) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
