// Cancellation helpers shared by the indexer and the agent. An aborted operation
// rejects with the signal's reason, so callers can tell cancellation from failure.

/** True for the error an aborted operation throws; cancellation is not a failure and is never logged as one. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
}

/** The error an aborted signal rejects with: its reason when that is an Error, else a standard `AbortError`. */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('The operation was aborted', 'AbortError');
}

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts. The work behind
 * `promise` is not stopped by this; the caller also passes the signal down so the
 * work stops at its next checkpoint.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The most specific description in an error's cause chain, e.g. `connect ECONNREFUSED 127.0.0.1:11434` rather than `fetch failed`. */
export function describeCause(error: unknown): string {
  let described = error instanceof Error ? error.message : String(error);
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (current.message !== '') described = current.message;
    else if (typeof code === 'string') described = code;
  }
  return described;
}
