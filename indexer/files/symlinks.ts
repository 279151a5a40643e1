import { readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { describeFileSystemError, errorCode } from './file-system-errors.js';

/** The repository root as given (resolved) and with its own symbolic links resolved. */
export interface RepositoryRoots {
  readonly root: string;
  readonly realRoot: string;
}

/**
 * The detail of a 'symlink' skip: what the link points to and whether that is
 * inside the repository. Links are never followed, so there are no cycles and
 * nothing outside the repository is read; this only resolves the target to say
 * where it is. Never throws.
 */
export async function describeSymlink(absolutePath: string, roots: RepositoryRoots): Promise<string> {
  try {
    const target = await realpath(absolutePath);
    const stats = await stat(target);
    const kind = stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'special file';
    const inside = pathInside(roots.realRoot, target);
    if (inside === undefined) return `symbolic link to a ${kind} outside the repository; not followed`;
    if (inside === '') return 'symbolic link to the repository root (inside the repository); not followed';
    return `symbolic link to the ${kind} ${inside} inside the repository; not followed`;
  } catch (error) {
    if (errorCode(error) === 'ELOOP') return 'symbolic link loop; not followed';
    const where = await lexicalWhere(absolutePath, roots);
    if (errorCode(error) === 'ENOENT') return `broken symbolic link: its target ${where} does not exist`;
    return `symbolic link whose target ${where} cannot be resolved: ${describeFileSystemError(error)}`;
  }
}

/** `target` relative to `base` with `/` separators, `''` for `base` itself, undefined when outside. */
function pathInside(base: string, target: string): string | undefined {
  const path = relative(base, target);
  if (path === '') return '';
  if (isAbsolute(path) || path === '..' || path.startsWith(`..${sep}`)) return undefined;
  return path.split(sep).join('/');
}

/** Where a link that cannot be resolved points, judged from its text alone. */
async function lexicalWhere(absolutePath: string, roots: RepositoryRoots): Promise<string> {
  const text = await readlink(absolutePath).catch(() => undefined);
  if (text === undefined) return '(unreadable link)';
  const target = resolve(dirname(absolutePath), text);
  const inside = pathInside(roots.root, target) !== undefined || pathInside(roots.realRoot, target) !== undefined;
  return inside ? '(inside the repository)' : '(outside the repository)';
}
