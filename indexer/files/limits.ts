import { MinionsError } from '../../schemas/index.js';

/** Files larger than this (1 MiB) are skipped unless the caller sets its own cap. */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** The size cap to apply: the caller's value when it is a positive integer, else the default. */
export function resolveMaxFileBytes(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_FILE_BYTES;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new MinionsError('invalid-argument', `maxFileBytes must be a positive integer, got ${String(value)}.`);
  }
  return value;
}

// Made on first use: building a number format costs ~10 ms of start-up (ICU), which a
// command that never formats a count (a query) should not pay.
let countFormat: Intl.NumberFormat | undefined;

/** A count written with thousands separators (`48,211`), identical on every locale. */
export function formatCount(value: number): string {
  countFormat ??= new Intl.NumberFormat('en-US');
  return countFormat.format(value);
}

/** The detail of a 'too-large' skip, shared by discovery and classification. */
export function describeTooLarge(size: number, limit: number): string {
  return `file is ${formatCount(size)} bytes, over the ${formatCount(limit)}-byte limit`;
}
