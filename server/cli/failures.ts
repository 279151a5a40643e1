import type { Writable } from 'node:stream';
import { isAbortError } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { terminalSafe } from './output.js';

/** The error codes of a full disk (or quota). */
const diskFullCodes = new Set(['ENOSPC', 'EDQUOT']);

/** An error and its causes, outermost first (LanceDB and Node wrap the system error). */
function chain(error: unknown): unknown[] {
  const errors: unknown[] = [];
  for (let current = error; current !== undefined && current !== null && errors.length < 8; current = (current as { cause?: unknown }).cause) {
    errors.push(current);
    if (typeof current !== 'object') break;
  }
  return errors;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').slice(0, 300);
}

/**
 * A failure the CLI can explain in one line, as a `MinionsError`: a full disk, a LanceDB
 * commit conflict (another process wrote the same index) or a damaged table. Undefined
 * for anything else, which stays a stack trace: it is a bug to report.
 */
export function explainFailure(error: unknown): MinionsError | undefined {
  const errors = chain(error);
  const text = errors.map(firstLine).join(' / ');
  const options = { cause: error };
  if (errors.some((entry) => typeof entry === 'object' && entry !== null && 'code' in entry && diskFullCodes.has(String(entry.code))) || /no space left on device|os error 28\b|disk quota exceeded/i.test(text)) {
    return new MinionsError('insufficient-storage', `The disk is full (${firstLine(error)}). Free some space, then run the command again; an interrupted index run resumes where it stopped.`, options);
  }
  if (/commit conflict|conflicting (?:transaction|commit)|concurrent (?:write|commit)/i.test(text)) {
    return new MinionsError('conflict', `Another process wrote the same index at the same time (${firstLine(error)}). Run one \`minions index\`, \`watch\` or \`serve\` per repository at a time, then run the command again.`, options);
  }
  if (/lance ?error|lance error|\.lance\b|\.manifest\b|not a valid lance|corrupt/i.test(text)) {
    return new MinionsError('index-corrupt', `The index is damaged or unreadable (${firstLine(error)}). Rebuild it with \`minions index <repo> --rebuild\`.`, options);
  }
  return undefined;
}

/**
 * The exit code of a command that threw, after printing the failure in one line:
 * 130 for Ctrl-C, 2 for a usage error, 1 for any failure the CLI can explain. Anything
 * else is thrown again (a bug: its stack trace is what to report).
 */
export function exitCodeOf(error: unknown, stderr: Writable): number {
  if (isAbortError(error)) return 130;
  // A full disk, a commit conflict or a damaged table is one line, not a stack trace.
  const known = error instanceof MinionsError ? error : explainFailure(error);
  if (known) {
    stderr.write(`minions: ${terminalSafe(known.message)}\n`);
    return known.code === 'invalid-argument' ? 2 : 1;
  }
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    stderr.write(`minions: ${error.message}\n`);
    return 2;
  }
  throw error;
}
