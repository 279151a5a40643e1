import { readFile } from 'node:fs/promises';
import type { CommandIo } from './io.js';
import { queryThroughServer } from './query-via-server.js';
import { closestCommand, commandHelp } from './command-help.js';
import { usage } from './usage.js';

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

/**
 * Each command's module, imported only when that command runs: LanceDB, tree-sitter,
 * Fastify and the agent cost hundreds of milliseconds to load, which `--help`,
 * `--version` and a query answered by a running server never pay.
 */
const commands: Record<string, () => Promise<Command>> = {
  chunks: async () => (await import('./chunks-command.js')).chunksCommand,
  doctor: async () => (await import('./doctor-command.js')).doctorCommand,
  forget: async () => (await import('./forget-command.js')).forgetCommand,
  prune: async () => (await import('./prune-command.js')).pruneCommand,
  repos: async () => (await import('./repos-command.js')).reposCommand,
  context: async () => (await import('./context-command.js')).contextCommand,
  index: async () => (await import('./index-commands.js')).indexCommand,
  query: async () => (await import('./index-commands.js')).queryCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  eval: async () => (await import('./eval-command.js')).evalCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  watch: async () => (await import('./watch-command.js')).watchCommand,
  mcp: async () => (await import('./mcp-command.js')).mcpCommand,
  tasks: async () => (await import('./tasks-command.js')).tasksCommand,
  worker: async () => (await import('./worker-command.js')).workerCommand,
};

/** The version in package.json, found upwards from this file (dist/server/cli or server/cli). */
async function packageVersion(): Promise<string> {
  for (let folder = new URL('.', import.meta.url); ; folder = new URL('..', folder)) {
    const text = await readFile(new URL('package.json', folder), 'utf8').catch(() => undefined);
    const found = text === undefined ? undefined : (JSON.parse(text) as { name?: string; version?: string });
    if (found?.name === 'minions' && found.version !== undefined) return found.version;
    if (folder.pathname === '/') return 'unknown';
  }
}

/** No library this process loads may phone home (none is known to, by default; this makes sure). */
async function telemetryOffInProcess(): Promise<void> {
  const { telemetryOff } = await import('../../platform/index.js');
  for (const [name, value] of Object.entries(telemetryOff)) process.env[name] ??= value;
}

/** The help to print instead of running anything: the CLI's, or one command's (`--help`/`-h` before any `--`); `tasks` prints its own. */
function helpText(name: string | undefined, rest: readonly string[], known: boolean): string | undefined {
  if (name === undefined || name === '--help' || name === '-h') return usage;
  if (name === 'help') return (rest[0] === undefined ? undefined : commandHelp(rest[0])) ?? usage;
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (!known || name === 'tasks' || !(options.includes('--help') || options.includes('-h'))) return undefined;
  return commandHelp(name) ?? usage;
}

/** `minions frobnicate`: named, with the closest command, on stderr; exit 2. */
function unknownCommand(name: string, io: CommandIo): number {
  const closest = closestCommand(name, Object.keys(commands));
  const hint = closest === undefined ? '' : ` (did you mean "${closest}"?)`;
  io.stderr.write(`minions: unknown command "${name.replace(/[^\x20-\x7e]/g, '?')}"${hint}. Run \`minions --help\` for the commands.\n`);
  return 2;
}

/** Runs the CLI; returns the exit code. Expected failures print one line and exit 1 (2 for usage errors). */
export async function main(argv: readonly string[], io?: CommandIo): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const context: CommandIo = io ?? { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env, signal: controller.signal };
  if (!io) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : commands[name];
  try {
    if (name === '--version' || name === '-v') {
      context.stdout.write(`${await packageVersion()}\n`);
      return 0;
    }
    const help = helpText(name, rest, load !== undefined);
    if (help !== undefined) {
      context.stdout.write(help);
      return 0;
    }
    if (!load) return unknownCommand(name ?? '', context);
    // A query a running `minions serve` answers loads nothing of the index.
    const answered = name === 'query' ? await queryThroughServer(rest, context) : undefined;
    if (answered !== undefined) return answered;
    if (!io) await telemetryOffInProcess();
    return await (await load())(rest, context);
  } catch (error) {
    const { exitCodeOf } = await import('./failures.js');
    return exitCodeOf(error, context.stderr);
  } finally {
    if (!io) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
