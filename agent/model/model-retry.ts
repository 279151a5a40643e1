// Bounded retries of a model request that failed for a passing reason (Ollama busy, its
// runner crashed and restarts, the connection was cut, an error line mid-stream, its
// tool-call parser choked): a few attempts with exponential backoff and jitter, each
// retry reported before its wait, so a user watching sees why nothing happens.
import { abortReason, classifyOllamaFault, describeOllamaFault, type OllamaFault, type RequestPhase } from '../../platform/index.js';

/** How often and how patiently a failed request is tried again. */
export interface RetryPolicy {
  /** Attempts in all, the first included; 1 means no retry. */
  attempts: number;
  /** The wait before the first retry; it doubles for each later one. */
  baseDelayMs: number;
  /** The longest wait. */
  maxDelayMs: number;
  /** Waits `milliseconds` or rejects when `signal` aborts; tests inject one that needs no real time. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /** A number in [0, 1) for the jitter; `Math.random` by default. */
  random?: () => number;
}

/** 3 attempts; waits of about 1 s then 2 s (jittered by up to a quarter either way), never above 8 s. */
export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 1_000, maxDelayMs: 8_000 };

/** One retry as it is reported: the attempt that failed, why, and the wait before the next. */
export interface ModelRetry {
  /** The attempt that failed (1-based). */
  attempt: number;
  attempts: number;
  fault: OllamaFault;
  delayMs: number;
}

/** A failed attempt's error, with where the request was and the tokens it cost before it failed. */
export class AttemptError extends Error {
  constructor(
    readonly error: unknown,
    readonly phase: RequestPhase,
    readonly spent: { input: number; output: number },
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
    this.name = 'AttemptError';
  }
}

/** What a caller learns while retrying. */
export interface RetryObserver {
  /** Called after a transient failure, before waiting `delayMs`. */
  onRetry?(retry: ModelRetry): void;
  /** The tokens an attempt cost before it failed (the prompt evaluated, the reply so far). */
  onSpent?(spent: { input: number; output: number }): void;
}

/** The wait before retry `retry` (1-based): base * 2^(retry-1), jittered by ±25 %, capped. */
export function retryDelay(policy: RetryPolicy, retry: number): number {
  const exponential = policy.baseDelayMs * 2 ** (retry - 1);
  const jitter = 0.75 + 0.5 * (policy.random ?? Math.random)();
  return Math.round(Math.min(policy.maxDelayMs, exponential * jitter));
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the attempts run out. Each failure
 * throws an `AttemptError`; transient Ollama faults are retried, anything else is handed
 * to `otherwise` (which words it as before). The last transient fault is worded for what
 * happened, with the number of attempts.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  where: { host: string; model: string },
  attempt: () => Promise<T>,
  otherwise: (error: unknown) => Error,
  observer: RetryObserver,
  signal: AbortSignal,
): Promise<T> {
  for (let number = 1; ; number += 1) {
    try {
      return await attempt();
    } catch (thrown) {
      const failure = thrown instanceof AttemptError ? thrown : new AttemptError(thrown, 'request', { input: 0, output: 0 });
      if (failure.spent.input + failure.spent.output > 0) observer.onSpent?.(failure.spent);
      signal.throwIfAborted();
      const fault = classifyOllamaFault(failure.error, failure.phase);
      if (fault === undefined || !fault.transient) throw otherwise(failure.error);
      if (number >= policy.attempts) throw describeOllamaFault(fault, where.host, where.model, number);
      const delayMs = retryDelay(policy, number);
      observer.onRetry?.({ attempt: number, attempts: policy.attempts, fault, delayMs });
      await (policy.sleep ?? sleep)(delayMs, signal);
    }
  }
}

/** A real wait that ends early (rejecting) when the signal aborts. */
function sleep(milliseconds: number, signal: AbortSignal): Promise<void> {
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortReason(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
