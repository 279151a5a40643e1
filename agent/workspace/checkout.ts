// The user's checkout as a run sees it: the changes not yet committed there (a task
// starts from a commit, so they are not in it unless asked), a snapshot commit of the
// working tree for a task that should start from it, and removing a branch a run
// never committed to.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from './git.js';

/** At most this many uncommitted paths are named (a result, not an inventory). */
const maxNamed = 50;

/** The paths with uncommitted changes in the user's checkout (tracked changes and untracked, not ignored, files). */
export async function uncommittedChanges(root: string, signal: AbortSignal): Promise<string[]> {
  const text = await git(root, ['--no-optional-locks', 'status', '--porcelain=v1', '-z', '--untracked-files=normal', '--no-renames', '--ignore-submodules=dirty'], signal);
  const paths = text.split('\0').filter((record) => record.length > 3).map((record) => record.slice(3));
  return paths.length <= maxNamed ? paths : [...paths.slice(0, maxNamed), `… and ${paths.length - maxNamed} more`];
}

/**
 * A commit on top of `base` whose tree is the working tree as it is now (tracked changes,
 * deletions and untracked files that are not ignored), made through a private index so
 * the user's index, files and branches are untouched. Returns `base` when nothing differs.
 */
export async function snapshotWorkingTree(root: string, base: string, signal: AbortSignal): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'minions-snapshot-'));
  const index = join(folder, 'index');
  try {
    await git(root, ['read-tree', base], signal, undefined, index);
    await git(root, ['add', '--all', '--', '.'], signal, undefined, index);
    const tree = (await git(root, ['write-tree'], signal, undefined, index)).trim();
    const baseTree = (await git(root, ['rev-parse', `${base}^{tree}`], signal)).trim();
    if (tree === baseTree) return base;
    const configured = (await git(root, ['config', '--get', 'user.email'], signal).catch(() => '')).trim() !== '';
    const identity = configured ? [] : ['-c', 'user.name=minions', '-c', 'user.email=minions@localhost'];
    const message = 'Uncommitted changes of the working tree\n\nTaken by minions as the starting point of a task (--from-working-tree).\n';
    return (await git(root, [...identity, 'commit-tree', '--no-gpg-sign', tree, '-p', base, '-m', message], signal)).trim();
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** Deletes a local branch (the task's, which holds no commit of its own). Never aborted. */
export async function deleteBranch(root: string, branch: string): Promise<void> {
  await git(root, ['branch', '--quiet', '-D', '--', branch], new AbortController().signal);
}
