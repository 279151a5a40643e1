// The file tools: read_file (line ranges), list_dir, edit_file (search and replace,
// matched by edit-matching.ts) and create_file, each confined to the worktree by the path sandbox.
import { lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Type } from '@sinclair/typebox';
import { truncateMiddle } from '../limits.js';
import { createNewFile, readRegularFile, rewriteRegularFile } from '../workspace/regular-file.js';
import { resolveInside } from '../workspace/sandbox.js';
import { planEdit } from './edit-matching.js';
import { didYouMean } from './path-hints.js';
import { defineTool, type ToolResult } from './tool.js';

const pathParameter = Type.String({ description: 'path relative to the repository root' });
const maxReadLines = 400;

const failure = (output: string): ToolResult => ({ ok: false, output });
const lineCount = (text: string): number => text.split('\n').length;

/** read_file: numbered lines of a file, optionally a 1-based inclusive range. */
export const readFileTool = defineTool({
  name: 'read_file',
  description: `Read a text file with line numbers. Optional start_line/end_line (1-based, inclusive) read a range; at most ${maxReadLines} lines per call.`,
  parameters: Type.Object({
    path: pathParameter,
    start_line: Type.Optional(Type.Integer({ minimum: 1, description: 'first line to read' })),
    end_line: Type.Optional(Type.Integer({ minimum: 1, description: 'last line to read' })),
  }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path);
    if (!target.ok) return failure(target.error);
    const read = await readRegularFile(context.worktree, target.absolute, input.path);
    if (!read.ok && read.code === 'ENOENT') return failure(`${input.path} does not exist.${await didYouMean(context.worktree, target.relative)}`);
    if (!read.ok) return failure(read.code === 'EISDIR' ? `${input.path} is a folder; use list_dir.` : read.error);
    const text = read.text;
    if (text.includes('\0')) return failure(`${input.path} is a binary file.`);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const start = Math.max(1, input.start_line ?? 1);
    const end = Math.min(lines.length, input.end_line ?? start + maxReadLines - 1, start + maxReadLines - 1);
    if (start > lines.length) return failure(`${input.path} has ${lines.length} lines; start_line ${start} is past its end.`);
    const width = String(end).length;
    // Whole lines up to the character budget (it shrinks with the model's context), so the model can read on where it stopped.
    const budget = context.limits.maxOutputCharacters * 2;
    const numbered: string[] = [];
    let size = 0;
    for (let number = start; number <= end; number += 1) {
      const line = `${String(number).padStart(width)}| ${lines[number - 1] ?? ''}`;
      if (numbered.length > 0 && size + line.length + 1 > budget) break;
      numbered.push(line);
      size += line.length + 1;
    }
    const last = start + numbered.length - 1;
    const more = last < lines.length ? `\n[lines ${start}-${last} of ${lines.length}; read on with start_line ${last + 1}]` : '';
    return { ok: true, output: truncateMiddle(`${numbered.join('\n')}${more}`, budget + 200) };
  },
});

/** list_dir: the entries of a folder, folders marked with a trailing slash. */
export const listDirTool = defineTool({
  name: 'list_dir',
  description: 'List the files and folders in a folder of the repository (default: the root). Folders end with "/", symbolic links with "@".',
  parameters: Type.Object({ path: Type.Optional(pathParameter) }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path ?? '.');
    if (!target.ok) return failure(target.error);
    const entries = await readdir(target.absolute, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => error);
    if (entries instanceof Error) return failure(entries.code === 'ENOTDIR' ? `${input.path} is a file; use read_file.` : `Cannot list ${input.path ?? '.'}: ${entries.code ?? entries.message}.`);
    const names = entries
      .filter((entry) => entry.name !== '.git' && entry.name !== 'node_modules')
      .map((entry) => (entry.isDirectory() ? `${entry.name}/` : entry.isSymbolicLink() ? `${entry.name}@` : entry.name))
      .sort();
    const shown = names.slice(0, 300);
    return { ok: true, output: shown.length === 0 ? '(empty folder)' : `${shown.join('\n')}${names.length > shown.length ? `\n[${names.length - shown.length} more]` : ''}` };
  },
});

/** edit_file: replaces the one place `search` designates (see edit-matching.ts) with `replace`. */
export const editFileTool = defineTool({
  name: 'edit_file',
  description: 'Edit a file by search and replace: `search` must occur exactly once in the file (include enough surrounding lines to make it unique); it is replaced by `replace`. Copy the text from read_file (line-number prefixes are ignored); if only indentation differs, the one matching place is edited and `replace` re-indented to it.',
  parameters: Type.Object({
    path: pathParameter,
    search: Type.String({ description: 'exact text to find, including whitespace' }),
    replace: Type.String({ description: 'text to put in its place' }),
  }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path);
    if (!target.ok) return failure(target.error);
    const read = await readRegularFile(context.worktree, target.absolute, input.path);
    if (!read.ok) return failure(read.code === 'ENOENT' ? `${input.path} does not exist; use create_file for a new file.${await didYouMean(context.worktree, target.relative)}` : read.error);
    const planned = planEdit(read.text, input.search, input.replace, input.path);
    if (!planned.ok) return failure(planned.error);
    if (planned.text === read.text) return failure('The replacement is identical to the search text; nothing changed.');
    const written = await rewriteRegularFile(context.worktree, target.absolute, input.path, planned.text);
    if (!written.ok) return failure(written.error);
    context.touched?.add(target.relative);
    const how = planned.how === 'whitespace' ? ' (matched ignoring indentation; the replacement was re-indented to the file)' : '';
    return { ok: true, output: `Edited ${target.relative} at line ${planned.line}: ${lineCount(input.search)} line(s) replaced by ${lineCount(input.replace)}${how}.` };
  },
});

/** create_file: writes a new file (folders created as needed); overwriting needs `overwrite: true`. */
export const createFileTool = defineTool({
  name: 'create_file',
  description: 'Create a new file with the given content (parent folders are created). Refuses to replace an existing file unless overwrite is true; prefer edit_file for changes.',
  parameters: Type.Object({
    path: pathParameter,
    content: Type.String({ description: 'the whole content of the file' }),
    overwrite: Type.Optional(Type.Boolean({ description: 'replace an existing file' })),
  }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path);
    if (!target.ok) return failure(target.error);
    const existing = await lstat(target.absolute).catch(() => undefined);
    if (existing?.isDirectory()) return failure(`${input.path} is a folder.`);
    if (existing && input.overwrite !== true) return failure(`${input.path} already exists; use edit_file, or create_file with overwrite: true to replace it.`);
    await mkdir(dirname(target.absolute), { recursive: true });
    const written = existing ? await rewriteRegularFile(context.worktree, target.absolute, input.path, input.content) : await createNewFile(target.absolute, input.path, input.content);
    if (!written.ok) return failure(written.error);
    context.touched?.add(target.relative);
    return { ok: true, output: `${existing ? 'Replaced' : 'Created'} ${target.relative} (${input.content.split('\n').length} lines).` };
  },
});
