import { Type, type Static } from '@sinclair/typebox';
import { ReviewPolicy } from './review.js';

/**
 * Where a setting comes from, as schema metadata read by the loader: its command-line
 * option (if any), its environment variable, and the noun its messages start with.
 */
export interface SettingSource {
  /** `--threads`; absent for settings only the environment sets. */
  option?: string;
  /** `MINIONS_THREADS` */
  env: string;
  /** `Threads`, as in "Threads must be an integer from 1 to 64, ...". */
  label: string;
}

/** The log levels pino knows, lowest output last. */
export const LogLevel = Type.Union([Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')]);
export type LogLevel = Static<typeof LogLevel>;

/**
 * Every setting of minions, once: type, default, range and where it is set (option,
 * environment variable). The loader (`server/config.ts`) resolves each as explicit option,
 * then environment variable, then this default, and checks it against this schema.
 * Settings without a `default` here have one computed at the edge (data directory,
 * concurrency) or none (threads, token).
 */
export const Settings = Type.Object({
  dataDir: Type.Optional(Type.String({ minLength: 1, option: '--data-dir', env: 'MINIONS_DATA_DIR', label: 'The data directory', description: 'index, converted models and meta files; default $XDG_DATA_HOME/minions or ~/.local/share/minions' })),
  embedder: Type.String({ default: 'default', option: '--embedder', env: 'MINIONS_EMBEDDER', label: 'The embedder', description: 'default, ollama:<model> or hf:<model id>' }),
  embedPrecision: Type.Union([Type.Literal('int8'), Type.Literal('fp32')], { default: 'int8', env: 'MINIONS_EMBED_PRECISION', label: 'The embedding precision', description: "precision of the default embedder's projections: int8 (the default; about 1.8x fp32 on the same threads, retrieval within 0.01 of fp32 over both dev sets; see docs/benchmarks.md) or fp32" }),
  embedSessions: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, env: 'MINIONS_EMBED_SESSIONS', label: 'The embedding sessions', description: 'model sessions (worker threads) of the default embedder; default 1 (2 embed faster on 2 cores, with a second copy of the model in memory)' })),
  threads: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, option: '--threads', env: 'MINIONS_THREADS', label: 'Threads', description: 'embedding threads of each session; default embedder: cores / sessions, at most 4; others: min(4, cores - 1)' })),
  storeCacheMb: Type.Integer({ minimum: 8, maximum: 65_536, default: 64, env: 'MINIONS_STORE_CACHE_MB', label: 'The store cache', description: "LanceDB's index cache in MiB (its metadata cache gets half as much); larger keeps more full-text index pages in memory for queries on large trees" }),
  queryBatch: Type.Integer({ minimum: 1, maximum: 256, default: 32, env: 'MINIONS_QUERY_BATCH', label: 'The query batch', description: 'query texts embedded together across concurrent queries; 1: each on its own' }),
  allowRemoteModels: Type.Boolean({ default: false, env: 'MINIONS_ALLOW_REMOTE_MODELS', label: 'Remote models', description: 'let transformers.js download models (not in privacy mode)' }),
  privacy: Type.Boolean({ default: true, option: '--privacy', env: 'MINIONS_PRIVACY', label: 'Privacy mode', description: 'nothing leaves the machine; --no-privacy turns it off' }),
  allowedHosts: Type.String({ default: '', env: 'MINIONS_ALLOWED_HOSTS', label: 'The allowed hosts', description: 'comma-separated model hosts allowed besides loopback in privacy mode' }),
  allowNetworkCommands: Type.Boolean({ default: false, option: '--allow-network-commands', env: 'MINIONS_ALLOW_NETWORK_COMMANDS', label: 'Network commands', description: 'in privacy mode, agent commands with network where no namespace exists' }),
  allowUnsandboxedCommands: Type.Boolean({ default: false, option: '--allow-unsandboxed-commands', env: 'MINIONS_ALLOW_UNSANDBOXED_COMMANDS', label: 'Unsandboxed commands', description: 'run agent commands without the bubblewrap sandbox where it cannot run' }),
  commandMemoryMb: Type.Integer({ minimum: 0, maximum: 1_048_576, default: 4096, env: 'MINIONS_COMMAND_MEMORY_MB', label: 'The command memory cap', description: 'memory (RLIMIT_DATA) of each agent command in MiB; 0: no cap' }),
  ollamaHost: Type.String({ minLength: 1, default: 'http://127.0.0.1:11434', env: 'OLLAMA_HOST', label: 'The Ollama host', description: 'Ollama for the agent and ollama: embeddings; a scheme-less host:port is read as http://' }),
  model: Type.String({ minLength: 1, default: 'qwen2.5-coder:7b', option: '--model', env: 'MINIONS_MODEL', label: 'The agent model', description: 'the Ollama model the agent runs' }),
  temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2, option: '--temperature', env: 'MINIONS_TEMPERATURE', label: 'The temperature', description: "sampling temperature of the agent's model; default the Modelfile's, else 0.2" })),
  numCtx: Type.Optional(Type.Integer({ minimum: 512, maximum: 1_048_576, option: '--num-ctx', env: 'MINIONS_NUM_CTX', label: 'The context length', description: "num_ctx sent to Ollama (a task's numCtx wins); default the Modelfile's num_ctx, else the model's context up to 32768" })),
  review: Type.Optional(Type.Boolean({ option: '--review', env: 'MINIONS_REVIEW', label: 'Review', description: 'a second model reviews each change after its checks pass (a task\'s review wins); default on when a review model is set, else off' })),
  reviewModel: Type.Optional(Type.String({ minLength: 1, option: '--review-model', env: 'MINIONS_REVIEW_MODEL', label: 'The review model', description: "the reviewer's Ollama model; setting it turns review on; default the task's model" })),
  reviewPolicy: Type.Union(ReviewPolicy.anyOf, { default: 'fix', option: '--review-policy', env: 'MINIONS_REVIEW_POLICY', label: 'The review policy', description: 'what severe findings do: fix (one more fix round, then review again) or stop (committed for a human, the task fails)' }),
  host: Type.String({ minLength: 1, default: '127.0.0.1', option: '--host', env: 'MINIONS_HOST', label: 'The host', description: 'address the server listens on' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 7337, option: '--port', env: 'MINIONS_PORT', label: 'The port', description: 'port the server listens on (0: any free port)' }),
  token: Type.Optional(Type.String({ option: '--token', env: 'MINIONS_TOKEN', label: 'The token', description: 'bearer token; required off loopback' })),
  concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64, option: '--concurrency', env: 'MINIONS_CONCURRENCY', label: 'Concurrency', description: 'tasks at once; default one per two cores, at least 1' })),
  maxQueue: Type.Integer({ minimum: 1, maximum: 100_000, default: 100, option: '--max-queue', env: 'MINIONS_MAX_QUEUE', label: 'The queue length', description: 'tasks waiting (429 beyond)' }),
  rateLimit: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 100, option: '--rate-limit', env: 'MINIONS_RATE_LIMIT', label: 'The rate limit', description: 'requests per second per client, bursts of twice as many; 0: no limit' }),
  logLevel: Type.Union(LogLevel.anyOf, { default: 'info', env: 'MINIONS_LOG_LEVEL', label: 'The log level', description: 'pino level of the server log' }),
  maxConnections: Type.Integer({ minimum: 1, maximum: 100_000, default: 256, option: '--max-connections', env: 'MINIONS_MAX_CONNECTIONS', label: 'The connection limit', description: 'open connections at once; more are closed at once' }),
  headersTimeout: Type.Integer({ minimum: 1, maximum: 600, default: 10, env: 'MINIONS_HEADERS_TIMEOUT', label: 'The headers timeout', description: 'seconds a connection may take to send its request headers (408 and closed beyond)' }),
  hookSecret: Type.Optional(Type.String({ env: 'MINIONS_HOOK_SECRET', label: 'The hook secret', description: 'HMAC secret of POST /v1/hooks/ci (the webhook secret set on GitHub); unset: the hook is off' })),
  hookTasksPerHour: Type.Integer({ minimum: 0, maximum: 100_000, default: 10, env: 'MINIONS_HOOK_TASKS_PER_HOUR', label: 'The hook rate', description: 'tasks POST /v1/hooks/ci may create per repository per hour (429 beyond); 0: no limit' }),
  forgeTokens: Type.Optional(Type.String({ env: 'MINIONS_FORGE_TOKENS', label: 'The forge tokens', description: 'comma-separated host=token pairs: the token of each forge host (API and push), e.g. github.com=ghp_...,gitea.lan=...' })),
  forgeToken: Type.Optional(Type.String({ env: 'MINIONS_FORGE_TOKEN', label: 'The forge token', description: 'the token of every forge host MINIONS_FORGE_TOKENS does not name' })),
  queue: Type.Optional(Type.String({ option: '--queue', env: 'MINIONS_QUEUE', label: 'The queue', description: 'redis://[:password@]host:port of the BullMQ task queue (serve: tasks run on workers; worker: where to take them); unset: in-process. A password is required off loopback' })),
  server: Type.Optional(Type.String({ option: '--server', env: 'MINIONS_SERVER', label: 'The server', description: "URL of the minions server a worker takes context from (the token is MINIONS_TOKEN)" })),
  taskRetries: Type.Integer({ minimum: 0, maximum: 10, default: 1, option: '--task-retries', env: 'MINIONS_TASK_RETRIES', label: 'The task retries', description: 'runs of a task again when its worker is lost (kill -9, a crash); 0: it ends interrupted' }),
  queueLock: Type.Integer({ minimum: 5, maximum: 3600, default: 60, env: 'MINIONS_QUEUE_LOCK', label: 'The queue lock', description: "seconds of a worker's lock on a running task (renewed every half); a worker silent that long is lost" }),
  queueStalledCheck: Type.Integer({ minimum: 1, maximum: 3600, default: 30, env: 'MINIONS_QUEUE_STALLED_CHECK', label: 'The stalled check', description: "seconds between the workers' checks for tasks whose worker was lost" }),
});
export type Settings = Static<typeof Settings>;

/** The name of one setting. */
export type SettingName = keyof Settings;
