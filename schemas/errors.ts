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
  | 'insufficient-storage'
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
