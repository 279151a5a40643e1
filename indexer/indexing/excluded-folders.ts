import { relative, sep } from 'node:path';

/** Whether `path` is `folder` or lies inside it (both real, absolute paths). */
export function isWithin(path: string, folder: string): boolean {
  const below = relative(folder, path);
  return below === '' || (!below.startsWith('..') && !below.startsWith(sep) && below !== '..');
}

/**
 * Gitignore patterns (for discovery's and the watcher's `extraIgnore`) that keep
 * folders inside a repository out of its index, whatever its ignore files say: the
 * data directory, whose writes a watcher would otherwise index forever.
 */
export function excludedFolderPatterns(root: string, folders: readonly string[]): string[] {
  return folders
    .filter((folder) => folder !== root && isWithin(folder, root))
    .map((folder) => `/${relative(root, folder).split(sep).map(escapePattern).join('/')}/`);
}

/** Escapes what gitignore reads as special in a name: wildcards, a leading `#` or `!`, trailing spaces. */
function escapePattern(name: string): string {
  return name.replace(/[\\*?[\]]/g, '\\$&').replace(/^[#!]/, '\\$&').replace(/ $/, '\\ ');
}
