// The usage lines of every command and the CLI's help, in a module of their own: `minions --help`
// prints them without loading any command (and so without LanceDB, tree-sitter or the models).

/** One line of usage of `minions index`, for its errors and the help. */
export const indexUsage =
  'minions index <repo> [--rebuild] [--data-dir DIR] [--embedder default|ollama:<model>|hf:<id>] [--threads N] [--privacy|--no-privacy]';

/** One line of usage of `minions query`, for its errors and the help. */
export const queryUsage =
  'minions query <repo> <text> [--k N] [--mode hybrid|vector|text] [--group chunk|file] [--json] [--language L] [--path PREFIX] [--data-dir DIR] [--privacy|--no-privacy]';

/** One line of usage of `minions watch`, for its errors and the help. */
export const watchUsage =
  'minions watch <repo> [--data-dir DIR] [--embedder default|ollama:<model>|hf:<id>] [--threads N] [--privacy|--no-privacy]';

/** One line of usage of `minions chunks`, for its errors and the help. */
export const chunksUsage =
  'minions chunks <file-or-dir> [--json] [--max-tokens N]';

/** One line of usage of `minions run`, for its errors and the help. */
export const runUsage =
  'minions run --repo <path> "<task>" [--model M] [--temperature T] [--base REF] [--max-fix-rounds N] [--num-ctx N] [--allow-protected-paths] [--from-working-tree] [--review|--no-review] [--review-model M] [--review-policy fix|stop] [--no-publish] [--json] [--data-dir DIR] [--privacy|--no-privacy] [--allow-network-commands] [--allow-unsandboxed-commands]';

/** One line of usage of `minions eval`, for its errors and the help. */
export const evalUsage =
  'minions eval <suite.json> --model M [--model M2 ...] [--baseline FILE] [--parallel N] [--threshold X] [--index none|full] [--json] [--out FILE] [--check] [--keep] [--temperature T] [--num-ctx N] [--embedder E] [--data-dir DIR] [--privacy|--no-privacy] [--allow-network-commands] [--allow-unsandboxed-commands]';

/** One line of usage of `minions serve`, for its errors and the help. */
export const serveUsage =
  'minions serve [--port 7337] [--host 127.0.0.1] [--repo PATH]... [--token T] [--concurrency N] [--max-queue N] [--rate-limit N] [--max-connections N] [--queue redis://HOST:PORT] [--task-retries N] [--model M] [--temperature T] [--review|--no-review] [--review-model M] [--review-policy fix|stop] [--data-dir DIR] [--embedder E] [--threads N] [--privacy|--no-privacy] [--allow-network-commands] [--allow-unsandboxed-commands]';

/** One line of usage of `minions mcp`, for its errors and the help. */
export const mcpUsage = 'minions mcp [--server URL] [--token T] [--data-dir DIR] [--embedder E] [--threads N] [--privacy|--no-privacy]';

/** One line of usage of `minions tasks`, for its errors and the help. */
export const tasksUsage = 'minions tasks submit|list|show|follow|follow-up|cancel ... [--server URL] [--token T] [--json]';
/** One line of usage of `minions tasks follow-up`, for its errors and the help. */
export const followUpUsage = 'minions tasks follow-up <task-id> "<more>" [--model M] [--follow] [--json] [--server URL] [--token T]';

/** One line of usage of `minions repos`, for its errors and the help. */
export const reposUsage = 'minions repos [--json] [--data-dir DIR]';

/** One line of usage of `minions forget`, for its errors and the help. */
export const forgetUsage = 'minions forget <repo-path|id> [--json] [--data-dir DIR]';

/** One line of usage of `minions prune`, for its errors and the help. */
export const pruneUsage = 'minions prune [--dry-run] [--older-than DAYS] [--json] [--data-dir DIR]';

/** One line of usage of `minions doctor`, for its errors and the help. */
export const doctorUsage = 'minions doctor [--json] [--data-dir DIR] [--model M]';
/** One line of usage of `minions context`, for its errors and the help. */
export const contextUsage =
  'minions context <repo> "<task>" [--budget N] [--num-ctx N] [--json] [--data-dir DIR] [--privacy|--no-privacy]';

/** One line of usage of `minions worker`, for its errors and the help. */
export const workerUsage =
  'minions worker --queue redis://HOST:PORT --server URL [--concurrency N] [--token T] [--path-map SERVER_PATH=WORKER_PATH]... [--clone SERVER_PATH=GIT_URL]... [--local-index] [--model M] [--temperature T] [--data-dir DIR] [--privacy|--no-privacy] [--allow-network-commands] [--allow-unsandboxed-commands]';

/** The text of `minions --help`. */
export const usage = `minions: self-hosted coding agents on a local code index.

Usage:
  minions --version
      Print the version.
  ${indexUsage}
      Build or refresh the local index of a repository (incremental; offline by default).
  ${queryUsage}
      Search a repository's index: BM25 (text), embeddings (vector) or both fused (hybrid); through
      the \`minions serve\` of the same data directory when one runs, else in this process.
  ${watchUsage}
      Reconcile the index with the disk, then keep it fresh as files change (debounced batches;
      searchable by text first, vectors after) until SIGINT/SIGTERM. One line per batch on stderr.
  ${chunksUsage}
      Print the symbol-level chunks of a file or folder.
  ${runUsage}
      Run a task with a minion: worktree, rules and retrieval, model, checks, fix rounds, commit on
      branch minions/<id>-<slug>; live progress on stderr. Models through Ollama (OLLAMA_HOST, MINIONS_MODEL).
  ${evalUsage}
      Model regression suite: every task with every model in a fresh copy, judged by a verification the
      agent never sees; per model success rate, fix rounds, tokens, time; exit 1 on a regression vs --baseline.
  ${contextUsage}
      Show what a minion's first prompt would hold for the task: each section (task, rules, code, map,
      search note, repository) with its token count, files and lines; --json for the whole answer.
  ${serveUsage}
      Serve the HTTP API (repositories, query, tasks; docs at /docs) until SIGINT/SIGTERM.
      Any address but loopback needs a token (--token or MINIONS_TOKEN). MCP over HTTP at /mcp.
  ${workerUsage}
      Run the tasks of a \`minions serve --queue redis://...\` on this machine (BullMQ on Redis), with code
      search through that server; a task whose worker is lost runs again elsewhere (--task-retries).
  ${mcpUsage}
      The MCP server on stdio (search_code, list_repositories, run_task, task_status, task_result; the
      repositories as resources), through the running \`minions serve\` when there is one, else in this process.
  ${tasksUsage}
      The CLI as a client of a running server: queue, list, show, follow (live), follow up and cancel its tasks.
  ${reposUsage}
      List the indexed repositories: path, files, chunks, size on disk, last indexed.
  ${forgetUsage}
      Remove a repository's index (tables, record, lock); refused while a writer holds its lock.
  ${pruneUsage}
      Remove task worktrees left behind, minions/* branches with no commit of their own, old task logs.
  ${doctorUsage}
      Check Node, native modules, the embedding model, Ollama, the sandbox, disk space and inotify.

Environment: MINIONS_DATA_DIR (index, models; default ~/.local/share/minions), MINIONS_EMBEDDER,
MINIONS_THREADS, OLLAMA_HOST, MINIONS_MODEL (run; default qwen2.5-coder:7b); privacy mode (on unless
--no-privacy or MINIONS_PRIVACY=0): MINIONS_ALLOWED_HOSTS (model hosts besides loopback),
MINIONS_ALLOW_NETWORK_COMMANDS=1 (agent commands with network where no namespace exists);
agent commands: MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1 (without bubblewrap where it cannot run),
MINIONS_COMMAND_MEMORY_MB (default 4096); for serve: MINIONS_HOST, MINIONS_PORT, MINIONS_TOKEN, MINIONS_CONCURRENCY,
MINIONS_MAX_QUEUE, MINIONS_RATE_LIMIT, MINIONS_LOG_LEVEL, MINIONS_MAX_CONNECTIONS, MINIONS_HEADERS_TIMEOUT,
MINIONS_HOOK_SECRET, MINIONS_HOOK_TASKS_PER_HOUR (the CI hook). All settings: the README's configuration table.

Run any command with --help (or -h) for its options.
`;
