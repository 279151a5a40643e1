/** The `code` of a Node.js system error (`ENOENT`, `EACCES`), if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}

const phrases: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'it no longer exists',
  ENOTDIR: 'a parent is not a directory',
  EISDIR: 'it is a directory',
  ELOOP: 'too many levels of symbolic links',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
};

/** A few words on why a file-system call failed, for the detail of a skip. */
export function describeFileSystemError(error: unknown): string {
  const code = errorCode(error);
  if (code !== undefined) return phrases[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
