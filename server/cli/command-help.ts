// `minions <command> --help`: one command's usage line and description (taken from the CLI's
// help, so a new command there has help at once) and its options, one line each. Also the
// closest command to a mistyped one. No command module is loaded for either.
import { usage } from './usage.js';

const dataDir = { '--data-dir DIR': 'the data directory: index, models, task logs (MINIONS_DATA_DIR; default ~/.local/share/minions)' };
const embedding = {
  '--embedder E': 'default (all-MiniLM-L6-v2, offline), ollama:<model> or hf:<model id> (MINIONS_EMBEDDER)',
  '--threads N': 'embedding threads (MINIONS_THREADS)',
};
const privacy = { '--privacy, --no-privacy': 'privacy mode, on by default: model hosts on loopback only, no downloads (MINIONS_PRIVACY)' };
const agent = {
  '--model M': 'the Ollama model of the agentic nodes (MINIONS_MODEL; default qwen2.5-coder:7b)',
  '--temperature T': "sampling temperature, 0 to 2 (MINIONS_TEMPERATURE; default the Modelfile's, else 0.2)",
  '--review, --no-review': 'a second model reviews the change after its checks pass (MINIONS_REVIEW; default on when a review model is set)',
  '--review-model M': "the reviewer's Ollama model; turns review on (MINIONS_REVIEW_MODEL; default the task's model)",
  '--review-policy P': 'severe findings: fix (one more fix round, default) or stop (committed for a human; MINIONS_REVIEW_POLICY)',
  '--allow-network-commands': "run the agent's commands with network where no namespace can be made (privacy mode)",
  '--allow-unsandboxed-commands': "run the agent's commands without bubblewrap where it cannot run",
};
const server = {
  '--server URL': 'the minions server to use (default: the `minions serve` running on the data directory)',
  '--token T': 'its bearer token (default: MINIONS_TOKEN)',
};

/** The options of each command, flag -> what it does. */
const optionHelp: Record<string, Record<string, string>> = {
  index: { '--rebuild': 'drop the index and build it again (vectors still come from the cache)', ...dataDir, ...embedding, ...privacy },
  query: {
    '--k N': 'results, 1 to 200 (default 10)',
    '--mode M': 'hybrid (default), vector or text',
    '--group G': 'chunk (default) or file: the best files, each with its best symbols',
    '--language L': 'only this language (repeatable)',
    '--path PREFIX': 'only files under this path of the repository',
    '--json': 'print JSON: { results, files?, mode, embedded, via }',
    ...dataDir,
    ...embedding,
    ...privacy,
  },
  watch: { ...dataDir, ...embedding, ...privacy },
  chunks: { '--json': 'print { chunks, skipped } as JSON', '--max-tokens N': 'chunk budget in estimated tokens (default 224)' },
  run: {
    '--repo PATH': 'the repository to work on',
    '--base REF': 'the git ref the branch starts from (default HEAD)',
    '--max-fix-rounds N': 'rounds of fixing failed checks, 0 to 10 (default 2)',
    '--num-ctx N': "num_ctx sent to Ollama (MINIONS_NUM_CTX; default the Modelfile's)",
    '--from-working-tree': 'start from your uncommitted changes too',
    '--allow-protected-paths': 'let the agent edit CI files, lock files and the like',
    '--no-publish': "neither push nor open a pull request, whatever the repository's publish settings say",
    '--json': 'print the TaskResult as JSON',
    ...agent,
    ...dataDir,
    ...privacy,
  },
  eval: {
    '--model M': 'a model to evaluate (repeatable)',
    '--baseline FILE': 'a report of an earlier run (--out) to compare with',
    '--parallel N': 'runs at once (default 1)',
    '--threshold X': 'the success rate may fall this much below the baseline (0 to 1 or N%; default 0)',
    '--index none|full': 'run without an index (default; the agent greps) or index each copy with the embedder',
    '--json': 'print the report as JSON',
    '--out FILE': 'write the report as JSON (a later run\'s --baseline)',
    '--check': 'no model: prove each task real (verification fails on the original, passes with fixedIn)',
    '--keep': 'keep the copies and data directories of the runs',
    '--temperature T, --num-ctx N': 'as for `minions run`, for every run',
    '--embedder E': 'the embedder of --index full (MINIONS_EMBEDDER)',
    '--allow-network-commands, --allow-unsandboxed-commands': "as for `minions run`; the second also lets verification commands run without bubblewrap",
    ...dataDir,
    ...privacy,
  },
  serve: {
    '--port N': 'the port (MINIONS_PORT; default 7337; 0: any free port)',
    '--host H': 'the address (MINIONS_HOST; default 127.0.0.1; any other needs a token)',
    '--repo PATH': 'register this repository (repeatable); it is indexed, then watched',
    '--token T': 'bearer token every route but /healthz requires (better: MINIONS_TOKEN, arguments show in ps)',
    '--concurrency N': 'tasks at once (MINIONS_CONCURRENCY)',
    '--max-queue N': 'tasks waiting (MINIONS_MAX_QUEUE; default 100)',
    '--rate-limit N': 'requests per second per client (MINIONS_RATE_LIMIT; default 100; 0: off)',
    '--max-connections N': 'connections open at once (MINIONS_MAX_CONNECTIONS; default 256)',
    '--queue URL': 'put tasks on this BullMQ queue (redis://[:password@]host:port; better: MINIONS_QUEUE) for `minions worker` processes',
    '--task-retries N': 'with --queue: runs again of a task whose worker was lost (MINIONS_TASK_RETRIES; default 1; 0: it ends interrupted)',
    ...agent,
    ...dataDir,
    ...embedding,
    ...privacy,
  },
  worker: {
    '--queue URL': 'redis://[:password@]host:port of the server\'s queue (better: MINIONS_QUEUE; a password is required off loopback)',
    '--server URL': 'the minions server whose tasks this worker runs (MINIONS_SERVER)',
    '--token T': 'its bearer token (default: MINIONS_TOKEN)',
    '--concurrency N': 'tasks at once (MINIONS_CONCURRENCY; default one per two cores)',
    '--path-map FROM=TO': 'a repository the server has under FROM is under TO here (repeatable; default: the same path)',
    '--clone SERVER_PATH=GIT_URL': "work on a clone of the repository's remote in this worker's cache, and push the task's branch back to it (repeatable)",
    '--local-index': "search this machine's own index (data directory) instead of the server's",
    ...agent,
    ...dataDir,
    ...privacy,
  },
  repos: { '--json': 'print { dataDir, repositories } as JSON', ...dataDir },
  forget: { '--json': 'print what was removed as JSON', ...dataDir },
  prune: { '--dry-run': 'only say what would be removed', '--older-than DAYS': 'remove the logs of tasks that ended more than DAYS ago (default 30)', '--json': 'print the plan as JSON', ...dataDir },
  doctor: { '--model M': 'the agent model to check (MINIONS_MODEL)', '--json': 'print { ok, checks } as JSON', ...dataDir, ...privacy },
  mcp: { ...server, ...dataDir, '--embedder E, --threads N': 'as for `minions query`, when no server runs', ...privacy },
};

/** The help text's lines for one command: its usage line(s) and the indented description under them. */
function usageBlock(name: string): string[] {
  const lines = usage.split('\n');
  const block: string[] = [];
  let inside = false;
  for (const line of lines) {
    if (line.startsWith('  minions ')) inside = line.startsWith(`  minions ${name} `) || line === `  minions ${name}`;
    else if (!line.startsWith('      ')) inside = false;
    if (inside) block.push(line);
  }
  return block;
}

/** The help of one command, or undefined for a name that is no command in the help. */
export function commandHelp(name: string): string | undefined {
  const block = usageBlock(name);
  if (block.length === 0) return undefined;
  const options = Object.entries(optionHelp[name] ?? {}).map(([flag, text]) => `  ${flag}\n      ${text}`);
  return `Usage:\n${block.join('\n')}\n${options.length > 0 ? `\nOptions:\n${options.join('\n')}\n` : ''}\nSettings and their environment variables: the README's configuration table.\n`;
}

/** Edits (insertions, deletions, substitutions) that turn one word into another. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)));
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The command a mistyped name most likely meant: within two edits, or one it starts; undefined when none is close. */
export function closestCommand(name: string, commands: readonly string[]): string | undefined {
  const ranked = commands.map((command) => ({ command, cost: command.startsWith(name) && name.length >= 2 ? 0.5 : distance(name, command) })).sort((a, b) => a.cost - b.cost);
  const best = ranked[0];
  return best !== undefined && best.cost <= Math.min(2, Math.max(1, Math.floor(name.length / 2))) ? best.command : undefined;
}
