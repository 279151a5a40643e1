// The file tools' last line of defence: a path the sandbox accepted is opened only if
// it is a regular file of the worktree with a single link. FIFOs (a read would block),
// devices, sockets, and hard links (which may share their content with a file outside
// the worktree) are refused; the open itself does not follow symbolic links.
import { constants } from 'node:fs';
import { lstat, open, realpath, type FileHandle } from 'node:fs/promises';
import { relative } from 'node:path';
import { isGitMetadata, isWithin, resolveInside } from './sandbox.js';

/** Largest file the tools read or rewrite. */
export const maxToolFileBytes = 8 * 1024 * 1024;

/** A file opened for the tools, or why not (`code` is the errno for a missing file). */
export type OpenedFile = { ok: true; handle: FileHandle; path: string } | { ok: false; error: string; code?: string };

function kindOf(stats: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isDirectory(): boolean }): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * Opens an existing file of the worktree `root` (a real path) for reading or writing,
 * after resolving it (symlinks within the worktree are followed, out of it refused).
 */
export async function openRegularFile(root: string, absolute: string, shown: string, mode: 'read' | 'write'): Promise<OpenedFile> {
  let real: string;
  try {
    real = await realpath(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, error: `Cannot open ${shown}: ${code ?? String(error)}.`, ...(code ? { code } : {}) };
  }
  if (!isWithin(root, real)) return { ok: false, error: `"${shown}" resolves through a symbolic link to outside the repository.` };
  // Checked again on the final real path: a symlink may have been swapped in since the sandbox looked.
  if (isGitMetadata(relative(root, real))) return { ok: false, error: `"${shown}" resolves through a symbolic link to .git, which tools may not touch.` };
  const before = await lstat(real);
  if (before.isDirectory()) return { ok: false, error: `${shown} is a folder.`, code: 'EISDIR' };
  if (!before.isFile()) return { ok: false, error: `${shown} is ${kindOf(before)}; the file tools only open regular files.` };
  if (before.nlink > 1) return { ok: false, error: `${shown} is a hard link (${before.nlink} names for one file, possibly outside the repository); the file tools refuse it.` };
  if (before.size > maxToolFileBytes) return { ok: false, error: `${shown} is ${before.size} bytes, more than the ${maxToolFileBytes} the file tools handle.` };
  const flags = constants.O_NOFOLLOW | constants.O_NONBLOCK | (mode === 'read' ? constants.O_RDONLY : constants.O_WRONLY);
  const handle = await open(real, flags).catch((error: NodeJS.ErrnoException) => error);
  if (handle instanceof Error) return { ok: false, error: `Cannot open ${shown}: ${handle.code ?? handle.message}.` };
  // The file may have been swapped between the checks and the open: compare what was opened.
  const after = await handle.stat();
  if (!after.isFile() || after.ino !== before.ino || after.dev !== before.dev || after.nlink > 1) {
    await handle.close();
    return { ok: false, error: `${shown} changed while it was being opened; try again.` };
  }
  return { ok: true, handle, path: real };
}

/** Reads a regular file of the worktree as UTF-8. */
export async function readRegularFile(root: string, absolute: string, shown: string): Promise<{ ok: true; text: string } | { ok: false; error: string; code?: string }> {
  const opened = await openRegularFile(root, absolute, shown, 'read');
  if (!opened.ok) return opened;
  try {
    return { ok: true, text: await opened.handle.readFile('utf8') };
  } finally {
    await opened.handle.close();
  }
}

/** A worktree file read by its repository path; `missing` when there is no such file (not a refusal). */
export type WorktreeRead = { ok: true; text: string } | { ok: false; error: string; missing: boolean };

/**
 * Reads a file of the worktree by its path relative to the root, through the same
 * sandbox and opener as the file tools. It is the only way the agent reads a worktree's
 * content (rules, retrieval, check discovery), so a tracked symlink to outside the
 * repository, a FIFO or a device is refused there as it is for the model's read_file.
 */
export async function readWorktreeFile(root: string, path: string): Promise<WorktreeRead> {
  const realRoot = await realpath(root).catch(() => root);
  const target = await resolveInside(realRoot, path);
  if (!target.ok) return { ok: false, error: target.error, missing: false };
  const read = await readRegularFile(realRoot, target.absolute, path);
  if (read.ok) return read;
  return { ok: false, error: read.error, missing: read.code === 'ENOENT' || read.code === 'ENOTDIR' };
}

/** Replaces the content of an existing regular file of the worktree. */
export async function rewriteRegularFile(root: string, absolute: string, shown: string, content: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const opened = await openRegularFile(root, absolute, shown, 'write');
  if (!opened.ok) return opened;
  try {
    await opened.handle.truncate(0);
    await opened.handle.writeFile(content);
    return { ok: true };
  } finally {
    await opened.handle.close();
  }
}

/** Creates a new file (never through a symlink, never over an existing name). */
export async function createNewFile(absolute: string, shown: string, content: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const handle = await open(absolute, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644).catch((error: NodeJS.ErrnoException) => error);
  if (handle instanceof Error) return { ok: false, error: `Cannot create ${shown}: ${handle.code ?? handle.message}.` };
  try {
    await handle.writeFile(content);
    return { ok: true };
  } finally {
    await handle.close();
  }
}
