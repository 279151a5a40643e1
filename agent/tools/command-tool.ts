// run_command: an allow-listed command in the worktree, without a shell, with a
// timeout and a scrubbed environment; its process group dies when it ends.
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { isAllowed, refusedArgument, splitCommandLine } from '../workspace/allow-list.js';
import { formatCommand } from '../../platform/index.js';
import { runLaunched } from '../workspace/command-launch.js';
import { isWithin } from '../workspace/sandbox.js';
import { defineTool } from './tool.js';

/** Why an argument naming a path of the worktree is refused: it resolves through a symbolic link to outside it. */
async function linkedOut(worktree: string, argv: readonly string[]): Promise<string | undefined> {
  for (const word of argv.slice(1)) {
    const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : word;
    if (value === '') continue;
    const real = await realpath(join(worktree, value)).catch(() => undefined);
    if (real !== undefined && !isWithin(worktree, real)) return `"${word}": resolves through a symbolic link to outside the repository.`;
  }
  return undefined;
}

/** run_command: runs tests, builds or linters the allow-list permits. */
export const runCommandTool = defineTool({
  name: 'run_command',
  description: 'Run one allow-listed command (tests, build, linter, read-only git) in the repository root, without a shell. Returns the exit code and the output.',
  parameters: Type.Object({ command: Type.String({ description: 'e.g. "npm test" or "go test ./pkg/..."' }) }),
  async run(input, context) {
    const split = splitCommandLine(input.command);
    if (!split.ok) return { ok: false, output: split.error };
    if (!isAllowed(split.argv, context.allowedCommands)) {
      const allowed = context.allowedCommands.map((words) => words.join(' ')).join(', ');
      return { ok: false, output: `"${split.argv.join(' ')}" is not on the allow-list. Allowed command prefixes: ${allowed}.` };
    }
    const refused = refusedArgument(split.argv) ?? (await linkedOut(context.worktree, split.argv));
    if (refused !== undefined) return { ok: false, output: refused };
    const command = { argv: split.argv };
    const text = formatCommand(command);
    const result = await runLaunched(command, {
      launcher: context.commandLauncher,
      worktree: context.worktree,
      linked: context.linked ?? [],
      node: context.node,
      emit: context.emit,
      env: context.env,
      timeoutMs: context.limits.commandTimeoutMs,
      signal: context.signal,
      maxOutputCharacters: context.limits.maxOutputCharacters,
    });
    context.emit('command-end', { node: context.node, command: text, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs, output: result.output });
    const status = result.timedOut ? 'timed out' : `exit code ${result.exitCode ?? result.signal ?? '?'}`;
    return { ok: result.exitCode === 0, output: `$ ${text}\n(${status}, ${result.durationMs} ms)\n${result.output}` };
  },
});
