import { MinionsError } from '../../schemas/index.js';
import { isAbortError, telemetryOff } from '../../platform/index.js';
import { chunksCommand, chunksUsage } from './chunks-command.js';
import { indexCommand, indexUsage, queryCommand, queryUsage } from './index-commands.js';
import { explainFailure } from './failures.js';
import type { CommandIo } from './io.js';
import { terminalSafe } from './output.js';
import { runCommand, runUsage } from './run-command.js';
import { serveCommand, serveUsage } from './serve-command.js';
import { watchCommand, watchUsage } from './watch-command.js';

const usage = `minions: self-hosted coding agents on a local code index.

Usage:
  ${indexUsage}
      Build or refresh the local index of a repository (incremental; offline by default).
  ${queryUsage}
      Search a repository's index: BM25 (text), embeddings (vector) or both fused (hybrid).
  ${watchUsage}
      Reconcile the index with the disk, then keep it fresh as files change (debounced batches;
      searchable by text first, vectors after) until SIGINT/SIGTERM. One line per batch on stderr.
  ${chunksUsage}
      Print the symbol-level chunks of a file or folder.
  ${runUsage}
      Run a task with a minion: worktree, rules and retrieval, model, checks, fix rounds, commit on
      branch minions/<id>-<slug>; live progress on stderr. Models through Ollama (OLLAMA_HOST, MINIONS_MODEL).
  ${serveUsage}
      Serve the HTTP API (repositories, query, tasks; docs at /docs) until SIGINT/SIGTERM.
      Any address but loopback needs a token (--token or MINIONS_TOKEN).

Environment: MINIONS_DATA_DIR (index, models; default ~/.local/share/minions), MINIONS_EMBEDDER,
MINIONS_THREADS, OLLAMA_HOST, MINIONS_MODEL (run; default qwen2.5-coder:7b); privacy mode (on unless
--no-privacy or MINIONS_PRIVACY=0): MINIONS_ALLOWED_HOSTS (model hosts besides loopback),
MINIONS_ALLOW_NETWORK_COMMANDS=1 (agent commands with network where no namespace exists);
agent commands: MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1 (without bubblewrap where it cannot run),
MINIONS_COMMAND_MEMORY_MB (default 4096); for serve: MINIONS_HOST, MINIONS_PORT, MINIONS_TOKEN, MINIONS_CONCURRENCY,
MINIONS_MAX_QUEUE, MINIONS_RATE_LIMIT, MINIONS_LOG_LEVEL, MINIONS_MAX_CONNECTIONS, MINIONS_HEADERS_TIMEOUT. All settings: the README's configuration table.

Run any command with --help for its options.
`;

type Command = (argv: readonly string[], io: CommandIo) => Promise<number>;
const commands: Record<string, Command> = { chunks: chunksCommand, index: indexCommand, query: queryCommand, run: runCommand, serve: serveCommand, watch: watchCommand };

/** Runs the CLI; returns the exit code. Expected failures print one line and exit 1 (2 for usage errors). */
export async function main(argv: readonly string[], io?: CommandIo): Promise<number> {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  const context: CommandIo = io ?? { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env, signal: controller.signal };
  if (!io) {
    // No library this process loads may phone home (none is known to, by default; this makes sure).
    for (const [name, value] of Object.entries(telemetryOff)) process.env[name] ??= value;
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : commands[name];
  try {
    if (!command || rest.includes('--help')) {
      context.stdout.write(usage);
      return command || name === undefined || name === '--help' || name === 'help' ? 0 : 2;
    }
    return await command(rest, context);
  } catch (error) {
    if (isAbortError(error)) return 130;
    // A full disk, a commit conflict or a damaged table is one line, not a stack trace.
    const known = error instanceof MinionsError ? error : explainFailure(error);
    if (known) {
      context.stderr.write(`minions: ${terminalSafe(known.message)}\n`);
      return known.code === 'invalid-argument' ? 2 : 1;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      context.stderr.write(`minions: ${error.message}\n`);
      return 2;
    }
    throw error;
  } finally {
    if (!io) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}
