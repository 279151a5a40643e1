// What a task's change is made of: every change to a tracked file, and the untracked
// files the model's file tools (or the checks' autofixes) made. Untracked files that
// commands created (`__pycache__/`, `*.pyc`, `build/`, coverage) are not part of it.
import type { GitLocation } from './git-guard.js';
import { git, worktreeStatus } from './git.js';

/** The change split in two: what is delivered, and the untracked files that only commands created. */
export interface ChangeSet {
  deliverable: string[];
  createdByCommands: string[];
}

/** Splits the worktree's changes; `made` holds the untracked paths the change owns (file tools, autofixes). */
export async function changeSet(location: GitLocation, excluded: readonly string[], made: ReadonlySet<string>, signal: AbortSignal): Promise<ChangeSet> {
  const deliverable: string[] = [];
  const createdByCommands: string[] = [];
  for (const entry of await worktreeStatus(location, excluded, signal)) {
    if (!entry.untracked || made.has(entry.path)) deliverable.push(entry.path);
    else createdByCommands.push(entry.path);
  }
  return { deliverable, createdByCommands };
}

/** Stages exactly these paths (additions, modifications and deletions alike). */
export async function stagePaths(location: GitLocation, paths: readonly string[], signal: AbortSignal): Promise<void> {
  if (paths.length === 0) return;
  await git(location.workTree, ['add', '--all', '--', ...paths.map((path) => `:(literal)${path}`)], signal, location);
}

/**
 * Puts the worktree back exactly at its commit after the baseline ran the checks on it:
 * tracked files reset, and everything untracked or ignored the commands made removed,
 * except the linked dependency folders.
 */
export async function restoreWorktree(location: GitLocation, linked: readonly string[], signal: AbortSignal): Promise<void> {
  await git(location.workTree, ['reset', '--hard', '--quiet'], signal, location);
  await git(location.workTree, ['clean', '-ffdxq', ...linked.flatMap((entry) => ['-e', `/${entry}`])], signal, location);
}
