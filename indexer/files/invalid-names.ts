import { readdir } from 'node:fs/promises';

/** The replacement character Node puts in a name it cannot decode as UTF-8. */
const REPLACEMENT = '\uFFFD';
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The entries of a directory whose names are not valid UTF-8, keyed by the name Node
 * decoded (with U+FFFD), with their bytes in hex. Node lists names as strings with
 * replacement characters, and such a name opens nothing: the file would vanish from
 * the walk without a reason. Only a listing that holds U+FFFD is read again as bytes,
 * so ordinary directories cost nothing; a valid name that holds U+FFFD is not reported.
 */
export async function findInvalidNames(absolutePath: string, names: readonly string[]): Promise<ReadonlyMap<string, string>> {
  const invalid = new Map<string, string>();
  if (!names.some((name) => name.includes(REPLACEMENT))) return invalid;
  for (const bytes of await readdir(absolutePath, { encoding: 'buffer' })) {
    try {
      strictUtf8.decode(bytes);
    } catch {
      invalid.set(bytes.toString('utf8'), bytes.toString('hex').replace(/(..)(?!$)/g, '$1 '));
    }
  }
  return invalid;
}

/** The detail of an 'invalid-name' skip. */
export function describeInvalidName(hexBytes: string): string {
  return `the name is not valid UTF-8 (bytes ${hexBytes}), so it cannot be stored or searched; rename it to index it`;
}
