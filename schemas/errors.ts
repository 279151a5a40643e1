/** Every failure the product reports carries one of these codes; the server maps them to HTTP statuses. */
export const errorCodes = [
  'invalid-argument',
  'not-found',
  'unreadable',
  'parse-failed',
  'index-missing',
  'index-corrupt',
  'model-unavailable',
  'unauthorized',
  'conflict',
  'payload-too-large',
  'unsupported-media-type',
  'queue-full',
  'rate-limited',
  'agent-unavailable',
  'insufficient-storage',
  'cancelled',
  'internal',
] as const;

/** One of `errorCodes`. */
export type ErrorCode = (typeof errorCodes)[number];

const knownCodes: ReadonlySet<string> = new Set(errorCodes);

/** Whether a string (say, the code of an error envelope read back from the server) is an `ErrorCode`. */
export function isErrorCode(code: string): code is ErrorCode {
  return knownCodes.has(code);
}

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
