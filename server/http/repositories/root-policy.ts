// Which folders may be registered as repositories: never a system or home folder (the
// server would index and serve the machine's files), never one holding the data directory.
import { homedir } from 'node:os';
import { sep } from 'node:path';

/** Whether `path` is `root` or below it. */
export function inside(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

/** Why a repository that contains the data directory may not be registered (its watcher would index the index's writes), or undefined. */
export function containsDataDirectory(root: string, dataDir: string): string | undefined {
  if (!inside(dataDir, root)) return undefined;
  return `${root} contains minions' data directory (${dataDir}): register a folder that does not, or move the data directory out (--data-dir, MINIONS_DATA_DIR).`;
}

/** System folders that are never a repository: registering one would index (and serve) the machine's files. */
const systemRoots = ['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt', '/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var'];

/** System folders no repository lives in: nothing under them may be registered either (`/etc/ssh`, `/proc/self/cwd`). */
const systemTrees = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/run', '/sbin', '/sys', '/usr', '/var/cache', '/var/lib', '/var/log', '/var/run', '/var/spool'];

/** Secrets of the home folder, never a repository. */
const homeSecrets = ['.ssh', '.gnupg', '.aws', '.kube', '.docker', '.config/gh'];

/**
 * Why a folder may not be registered (the file system root, a system folder or anything
 * under one, the home folder itself or its secrets), or undefined. Callers check both the
 * path as given and its real path.
 */
export function refusedRoot(root: string): string | undefined {
  const below = (folder: string): boolean => root === folder || root.startsWith(`${folder}/`);
  const home = homedir();
  if (systemRoots.includes(root) || root === home || systemTrees.some(below) || homeSecrets.some((name) => below(`${home}/${name}`))) {
    return `${root} is a system or home folder, not a repository: register the repository's own folder.`;
  }
  return undefined;
}
