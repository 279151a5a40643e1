// delete_file and move_file: without them a "delete this file" or "rename this module"
// task cannot be done. They act on the worktree's files only (the same path sandbox as
// writes; protected paths are judged on the delivered diff like any write); delivery
// stages with `git add --all`, so a tracked file's deletion or move is what the diff shows.
import { link, lstat, mkdir, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Stats } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { resolveInside } from '../workspace/sandbox.js';
import { didYouMean } from './path-hints.js';
import { defineTool, type ToolResult } from './tool.js';

const failure = (output: string): ToolResult => ({ ok: false, output });

/** Why a path cannot be deleted or moved away, or undefined when it is a file or a symbolic link. */
async function notAFile(worktree: string, relative: string, shown: string, stats: Stats | undefined): Promise<string | undefined> {
  if (stats === undefined) return `${shown} does not exist.${await didYouMean(worktree, relative)}`;
  if (stats.isDirectory()) return `${shown} is a folder; delete or move its files one by one.`;
  if (!stats.isFile() && !stats.isSymbolicLink()) return `${shown} is not a regular file.`;
  return undefined;
}

/** delete_file: removes one file (or symbolic link) of the worktree. */
export const deleteFileTool = defineTool({
  name: 'delete_file',
  description: 'Delete a file of the repository (not a folder). The deletion is part of the change.',
  parameters: Type.Object({ path: Type.String({ description: 'path relative to the repository root' }) }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path);
    if (!target.ok) return failure(target.error);
    if (target.relative === '.') return failure('The repository root cannot be deleted.');
    const stats = await lstat(target.absolute).catch(() => undefined);
    const refused = await notAFile(context.worktree, target.relative, input.path, stats);
    if (refused !== undefined) return failure(refused);
    const removed = await unlink(target.absolute).catch((error: NodeJS.ErrnoException) => error);
    if (removed instanceof Error) return failure(`Cannot delete ${input.path}: ${removed.code ?? removed.message}.`);
    context.touched?.add(target.relative);
    return { ok: true, output: `Deleted ${target.relative}.` };
  },
});

/** move_file: renames one file (or symbolic link) of the worktree, never over an existing one. */
export const moveFileTool = defineTool({
  name: 'move_file',
  description: 'Move or rename a file of the repository (not a folder); parent folders of the destination are created. Refuses to replace an existing file.',
  parameters: Type.Object({
    from: Type.String({ description: 'current path, relative to the repository root' }),
    to: Type.String({ description: 'new path, relative to the repository root' }),
  }),
  async run(input, context) {
    const source = await resolveInside(context.worktree, input.from);
    if (!source.ok) return failure(source.error);
    const destination = await resolveInside(context.worktree, input.to);
    if (!destination.ok) return failure(destination.error);
    if (source.relative === '.' || destination.relative === '.') return failure('The repository root cannot be moved or replaced.');
    const refused = await notAFile(context.worktree, source.relative, input.from, await lstat(source.absolute).catch(() => undefined));
    if (refused !== undefined) return failure(refused);
    if (await lstat(destination.absolute).catch(() => undefined)) return failure(`${input.to} already exists; delete it first or choose another name.`);
    await mkdir(dirname(destination.absolute), { recursive: true });
    // link() fails when the destination exists, so nothing is ever replaced, even in a race.
    const linked = await link(source.absolute, destination.absolute).catch((error: NodeJS.ErrnoException) => error);
    if (linked instanceof Error) return failure(linked.code === 'EEXIST' ? `${input.to} already exists; delete it first or choose another name.` : `Cannot move ${input.from}: ${linked.code ?? linked.message}.`);
    await unlink(source.absolute);
    context.touched?.add(source.relative).add(destination.relative);
    return { ok: true, output: `Moved ${source.relative} to ${destination.relative}.` };
  },
});
