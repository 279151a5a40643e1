import { MinionsError } from '../../schemas/index.js';

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
