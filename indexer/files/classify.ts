import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { isAbortError } from '../../platform/index.js';
import { detectGeneratedMarker, detectMinified } from './content-rules.js';
import { decodeText } from './decode.js';
import { describeFileSystemError } from './file-system-errors.js';
import { describeTooLarge, resolveMaxFileBytes } from './limits.js';
import { classifyByName } from './name-rules.js';
import type { ClassifyOptions, ClassifyResult, ReadOptions } from './types.js';

export type { ClassifyOptions, ClassifyResult, ReadOptions } from './types.js';

/**
 * Decides whether a file's content is worth indexing and returns it as text.
 * Checks run cheapest first: the name (lock files, `*.min.js`, protobuf output),
 * size, emptiness, binary content, encoding, then the text (generator markers in
 * the first lines, minified line lengths). Never throws on any content; throws
 * `MinionsError('invalid-argument')` only for a bad `maxFileBytes`.
 */
export function classifyContent(path: string, bytes: Uint8Array, options: ClassifyOptions = {}): ClassifyResult {
  const limit = resolveMaxFileBytes(options.maxFileBytes);
  const byName = classifyByName(path);
  if (byName !== undefined) return { ok: false, ...byName };
  if (bytes.length > limit) return { ok: false, reason: 'too-large', detail: describeTooLarge(bytes.length, limit) };
  if (bytes.length === 0) return { ok: false, reason: 'empty', detail: 'file is empty' };
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  if (!/\S/.test(decoded.text)) return { ok: false, reason: 'empty', detail: 'file holds only whitespace' };
  const byContent = detectGeneratedMarker(decoded.text) ?? detectMinified(decoded.text);
  if (byContent !== undefined) return { ok: false, ...byContent };
  return decoded;
}

// O_NONBLOCK keeps open() from hanging on a FIFO; it changes nothing for regular files.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/**
 * Reads a file and classifies it. A file that cannot be read is a result
 * ('unreadable'), not an error; a file over the cap is rejected from its size
 * without being read. Throws only when the signal aborts, or for a bad
 * `maxFileBytes`.
 */
export async function readAndClassify(absolutePath: string, path: string, options: ReadOptions = {}): Promise<ClassifyResult> {
  const limit = resolveMaxFileBytes(options.maxFileBytes);
  const byName = classifyByName(path);
  if (byName !== undefined) return { ok: false, ...byName };
  options.signal?.throwIfAborted();
  let handle: FileHandle | undefined;
  try {
    handle = await open(absolutePath, OPEN_FLAGS);
    const stats = await handle.stat();
    if (!stats.isFile()) return { ok: false, reason: 'unreadable', detail: 'not a regular file' };
    if (stats.size > limit) return { ok: false, reason: 'too-large', detail: describeTooLarge(stats.size, limit) };
    const bytes = await handle.readFile(options.signal === undefined ? {} : { signal: options.signal });
    return classifyContent(path, bytes, { maxFileBytes: limit });
  } catch (error) {
    if (isAbortError(error) || options.signal?.aborted === true) throw error;
    return { ok: false, reason: 'unreadable', detail: `file could not be read: ${describeFileSystemError(error)}` };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
