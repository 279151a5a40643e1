/** Every failure the product reports carries one of these codes; the server maps them to HTTP statuses. */
export type ErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'unreadable'
  | 'parse-failed'
  | 'index-missing'
  | 'index-corrupt'
  | 'model-unavailable'
  | 'unauthorized'
  | 'conflict'
  | 'payload-too-large'
  | 'unsupported-media-type'
  | 'queue-full'
  | 'rate-limited'
  | 'agent-unavailable'
  | 'cancelled'
  | 'internal';

/** The one error class of the project: a code for machines, a message for people, an optional cause. */
export class MinionsError extends Error {
  override readonly name = 'MinionsError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** True for the error an aborted operation throws; cancellation is not a failure and is never logged as one. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
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
