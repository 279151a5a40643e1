import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { checkOllamaHost } from '../platform/index.js';
import { MinionsError } from '../schemas/index.js';

/** Which embedder indexes and queries use. */
export type EmbedderChoice =
  | { kind: 'default' }
  | { kind: 'transformers'; modelId: string }
  | { kind: 'ollama'; model: string; host: string };

/** The settings of a run, resolved once at the edge: explicit option, then environment variable, then default. */
export interface Config {
  /** Index, converted models and meta files live here. */
  dataDir: string;
  embedder: EmbedderChoice;
  /** Cap on embedding threads. */
  threads: number | undefined;
  /** Allow transformers.js to download models (never by default; never in privacy mode). */
  allowRemoteModels: boolean;
  /** Privacy mode (the default): nothing leaves the machine (see `checkModelHost`, `commandNetwork`). */
  privacy: boolean;
  /** Model hosts allowed besides loopback in privacy mode (`host` or `host:port`, lower case). */
  allowedHosts: string[];
  /** In privacy mode, let agent commands run with network where no network namespace is available. */
  allowNetworkCommands: boolean;
}

/** Command-line options that override the environment. */
export interface ConfigOptions {
  dataDir?: string | undefined;
  embedder?: string | undefined;
  threads?: string | undefined;
  /** `--privacy` (true) or `--no-privacy` (false); undefined leaves it to MINIONS_PRIVACY, then on. */
  privacy?: boolean | undefined;
  allowNetworkCommands?: boolean | undefined;
}

/** The command-line options every command that reaches models or runs agents takes. */
export const privacyOptions = {
  privacy: { type: 'boolean' },
  'no-privacy': { type: 'boolean' },
  'allow-network-commands': { type: 'boolean' },
} as const;

/** `--privacy` / `--no-privacy` as parsed by `parseArgs`: true, false, or undefined when neither was given. */
export function privacyFlag(values: { privacy?: boolean | undefined; 'no-privacy'?: boolean | undefined }): boolean | undefined {
  if (values.privacy && values['no-privacy']) throw new MinionsError('invalid-argument', 'Pass either --privacy or --no-privacy, not both.');
  return values.privacy ? true : values['no-privacy'] ? false : undefined;
}

function flag(text: string | undefined, name: string): boolean | undefined {
  if (text === undefined || text === '') return undefined;
  if (/^(1|true|yes|on)$/i.test(text)) return true;
  if (/^(0|false|no|off)$/i.test(text)) return false;
  throw new MinionsError('invalid-argument', `${name} must be 1 or 0, not "${text}".`);
}

/** Whether an address only this machine can reach (it lives in platform/, beside the Ollama connection). */
export { isLoopbackHost } from '../platform/index.js';

/**
 * In privacy mode, a model host (Ollama for chat or embeddings) must be loopback or on
 * MINIONS_ALLOWED_HOSTS; anything else is refused here, before any connection is made.
 */
export function checkModelHost(config: Config, url: string, where: string): void {
  checkOllamaHost(url, where, config);
}

function defaultDataDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_DATA_HOME && isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share');
  return join(base, 'minions');
}

/**
 * `default` (all-MiniLM-L6-v2, offline), `ollama:<model>` (Ollama's /api/embed at
 * OLLAMA_HOST) or `hf:<model id>` (any transformers.js model; needs MINIONS_ALLOW_REMOTE_MODELS=1
 * unless the model is already in the cache).
 */
function parseEmbedder(value: string, env: NodeJS.ProcessEnv): EmbedderChoice {
  if (value === 'default' || value === '') return { kind: 'default' };
  if (value.startsWith('ollama:') && value.length > 7) return { kind: 'ollama', model: value.slice(7), host: env.OLLAMA_HOST ?? 'http://127.0.0.1:11434' };
  if (value.startsWith('hf:') && value.length > 3) return { kind: 'transformers', modelId: value.slice(3) };
  throw new MinionsError('invalid-argument', `Unknown embedder "${value}": use default, ollama:<model> or hf:<model id> (--embedder or MINIONS_EMBEDDER).`);
}

/** Resolves the configuration from command-line options and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv, options: ConfigOptions = {}, cwd = process.cwd()): Config {
  const dataDir = options.dataDir ?? env.MINIONS_DATA_DIR;
  const threadsText = options.threads ?? env.MINIONS_THREADS;
  const threads = threadsText === undefined ? undefined : Number(threadsText);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new MinionsError('invalid-argument', `Threads must be an integer from 1 to 64, not "${threadsText}" (--threads or MINIONS_THREADS).`);
  }
  const privacy = options.privacy ?? flag(env.MINIONS_PRIVACY, 'MINIONS_PRIVACY') ?? true;
  const allowRemoteModels = flag(env.MINIONS_ALLOW_REMOTE_MODELS, 'MINIONS_ALLOW_REMOTE_MODELS') ?? false;
  if (privacy && allowRemoteModels) {
    throw new MinionsError('invalid-argument', 'MINIONS_ALLOW_REMOTE_MODELS=1 downloads models, which privacy mode forbids: unset it, or turn privacy mode off with --no-privacy (or MINIONS_PRIVACY=0).');
  }
  const config: Config = {
    dataDir: dataDir ? resolve(cwd, dataDir) : defaultDataDir(env),
    embedder: parseEmbedder(options.embedder ?? env.MINIONS_EMBEDDER ?? 'default', env),
    threads,
    allowRemoteModels,
    privacy,
    allowedHosts: (env.MINIONS_ALLOWED_HOSTS ?? '').split(',').map((host) => host.trim().replace(/^\[|\]$/g, '').toLowerCase()).filter((host) => host !== ''),
    allowNetworkCommands: options.allowNetworkCommands ?? flag(env.MINIONS_ALLOW_NETWORK_COMMANDS, 'MINIONS_ALLOW_NETWORK_COMMANDS') ?? false,
  };
  if (config.embedder.kind === 'ollama') checkModelHost(config, config.embedder.host, 'the embedder, OLLAMA_HOST');
  return config;
}
