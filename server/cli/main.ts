import { readFile } from 'node:fs/promises';
import type { CommandIo } from './io.js';
import { queryThroughServer } from './query-via-server.js';
import { usage } from './usage.js';

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;

/**
 * Each command's module, imported only when that command runs: LanceDB, tree-sitter,
 * Fastify and the agent cost hundreds of milliseconds to load, which `--help`,
 * `--version` and a query answered by a running server never pay.
 */
const commands: Record<string, () => Promise<Command>> = {
  chunks: async () => (await import('./chunks-command.js')).chunksCommand,
  context: async () => (await import('./context-command.js')).contextCommand,
  index: async () => (await import('./index-commands.js')).indexCommand,
  query: async () => (await import('./index-commands.js')).queryCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  serve: async () => (await import('./serve-command.js')).serveCommand,
  watch: async () => (await import('./watch-command.js')).watchCommand,
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

/** Runs the CLI; returns the exit code. Expected failures print one line and exit 1 (2 for usage errors). */
export async function main(argv: readonly string[], io?: CommandIo): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const context: CommandIo = io ?? { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, signal: controller.signal };
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
    if (!load || rest.includes('--help')) {
      context.stdout.write(usage);
      return load || name === undefined || name === '--help' || name === 'help' ? 0 : 2;
    }
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
