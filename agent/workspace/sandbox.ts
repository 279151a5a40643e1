// The path sandbox of the agent's tools: every path a model names is relative to the
// worktree and must stay inside it, symlinks included; `.git` is off limits wherever the
// path really lands (typed, or reached through a symlink, a symlinked folder or `..`).
import { realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

/** A path the sandbox accepted: absolute on disk, and relative to the worktree with `/` separators. */
export interface SandboxedPath {
  ok: true;
  absolute: string;
  relative: string;
}

/** Why a path was refused, in words a model can act on. */
export interface RefusedPath {
  ok: false;
  error: string;
}

/** True when `child` is `parent` or below it. */
export function isWithin(parent: string, child: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path));
}

/**
 * True when `path` (relative to the worktree) is a `.git` file or folder or lies inside
 * one, at any depth (the worktree's own pointer file, a submodule's or a nested
 * repository's). Case-insensitive: on a case-insensitive file system `.GIT` is `.git`.
 */
export function isGitMetadata(path: string): boolean {
  return path.split(/[\\/]+/).some((part) => part.toLowerCase() === '.git');
}

/**
 * Resolves a model-supplied path against the worktree root (`root` must itself be a
 * real path). An absolute path inside the root is taken relative to it; other absolute
 * paths are refused, and so are `..` escapes, paths whose nearest existing
 * ancestor resolves (through symlinks) outside the root, and anything whose resolved
 * location is `.git` or inside it: minions' own git reads that metadata, so a model able
 * to rewrite it could make git run code outside every sandbox.
 */
export async function resolveInside(root: string, requested: string): Promise<SandboxedPath | RefusedPath> {
  const trimmed = requested.trim();
  if (trimmed === '' || trimmed === '.' || trimmed === './') return { ok: true, absolute: root, relative: '.' };
  // Models copy absolute paths from stack traces: one inside the worktree is taken as
  // relative to it, and goes through every check below like any relative path.
  if (isAbsolute(trimmed) && isWithin(root, normalize(trimmed))) return resolveInside(root, relative(root, normalize(trimmed)) || '.');
  if (isAbsolute(trimmed) || /^[a-zA-Z]:[\\/]/.test(trimmed)) {
    return { ok: false, error: `"${requested}" is an absolute path; use a path relative to the repository root.` };
  }
  const normalized = normalize(trimmed).replace(/[\\/]+$/, '');
  if (normalized === '..' || normalized.startsWith(`..${sep}`)) {
    return { ok: false, error: `"${requested}" points outside the repository; paths must stay inside it.` };
  }
  const parts = normalized.split(sep);
  if (isGitMetadata(normalized)) return { ok: false, error: `"${requested}" is inside .git, which tools may not touch.` };
  const absolute = join(root, normalized);
  const real = await nearestRealPath(absolute);
  if (!isWithin(root, real)) return { ok: false, error: `"${requested}" resolves through a symbolic link to outside the repository.` };
  if (isGitMetadata(relative(root, real))) return { ok: false, error: `"${requested}" resolves through a symbolic link to .git, which tools may not touch.` };
  return { ok: true, absolute, relative: parts.join('/') };
}

/** The real path of `path`, or of its nearest existing ancestor with the missing rest appended. */
async function nearestRealPath(path: string): Promise<string> {
  const missing: string[] = [];
  let current = path;
  for (;;) {
    try {
      return join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = join(current, '..');
      if (parent === current) return path;
      missing.push(current.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      current = parent;
    }
  }
}
