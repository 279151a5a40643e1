import { resolve } from 'node:path';
import { checkOllamaHost, ollamaHostUrl } from '../platform/index.js';
import { MinionsError, type SettingName, type Settings } from '../schemas/index.js';
import { defaultDataDir } from './data-dir.js';
import { readSetting } from './settings.js';

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
  /** Precision of the default embedder (int8 or fp32); other embedders ignore it. */
  embedPrecision: Settings['embedPrecision'];
  /** Model sessions of the default embedder; undefined: its default. */
  embedSessions: number | undefined;
  /** Cap on embedding threads. */
  threads: number | undefined;
  /** Most query texts embedded in one batch across concurrent queries (1: each on its own). */
  queryBatch: number;
  /** LanceDB's index cache of the process in MiB (its metadata cache: half). */
  storeCacheMb: number;
  /** Allow transformers.js to download models (never by default; never in privacy mode). */
  allowRemoteModels: boolean;
  /** Privacy mode (the default): nothing leaves the machine (see `checkModelHost`, `commandNetwork`). */
  privacy: boolean;
  /** Model hosts allowed besides loopback in privacy mode (`host` or `host:port`, lower case). */
  allowedHosts: string[];
  /** In privacy mode, let agent commands run with network where no network namespace is available. */
  allowNetworkCommands: boolean;
  /** Run agent commands without the bubblewrap sandbox where it cannot run (instead of refusing the run). */
  allowUnsandboxedCommands: boolean;
}

/** Command-line options that override the environment. */
export interface ConfigOptions {
  dataDir?: string | undefined;
  embedder?: string | undefined;
  threads?: string | undefined;
  /** `--privacy` (true) or `--no-privacy` (false); undefined leaves it to MINIONS_PRIVACY, then on. */
  privacy?: boolean | undefined;
  allowNetworkCommands?: boolean | undefined;
  allowUnsandboxedCommands?: boolean | undefined;
}

/** The command-line options every command that reaches models or runs agents takes. */
export const privacyOptions = {
  privacy: { type: 'boolean' },
  'no-privacy': { type: 'boolean' },
  'allow-network-commands': { type: 'boolean' },
  'allow-unsandboxed-commands': { type: 'boolean' },
} as const;

/** `--privacy` / `--no-privacy` as parsed by `parseArgs`: true, false, or undefined when neither was given. */
export function privacyFlag(values: { privacy?: boolean | undefined; 'no-privacy'?: boolean | undefined }): boolean | undefined {
  if (values.privacy && values['no-privacy']) throw new MinionsError('invalid-argument', 'Pass either --privacy or --no-privacy, not both.');
  return values.privacy ? true : values['no-privacy'] ? false : undefined;
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

/**
 * The Ollama host for the agent and for `ollama:` embeddings: option, then `OLLAMA_HOST`,
 * then Ollama's default; read as the ollama CLI reads it (`127.0.0.1:11434` and `gpu.lan`
 * mean http, the latter on port 11434; see `ollamaHostUrl`). The one place the host is defaulted and normalised.
 */
export function loadOllamaHost(env: NodeJS.ProcessEnv, option?: string): string {
  const host = readSetting('ollamaHost', env, { ollamaHost: option });
  return ollamaHostUrl(host, 'OLLAMA_HOST').href.replace(/\/$/, '');
}

/**
 * `default` (all-MiniLM-L6-v2, offline), `ollama:<model>` (Ollama's /api/embed at
 * OLLAMA_HOST) or `hf:<model id>` (any transformers.js model; needs MINIONS_ALLOW_REMOTE_MODELS=1
 * unless the model is already in the cache).
 */
function parseEmbedder(value: string, env: NodeJS.ProcessEnv): EmbedderChoice {
  if (value === 'default' || value === '') return { kind: 'default' };
  if (value.startsWith('ollama:') && value.length > 7) return { kind: 'ollama', model: value.slice(7), host: loadOllamaHost(env) };
  if (value.startsWith('hf:') && value.length > 3) return { kind: 'transformers', modelId: value.slice(3) };
  throw new MinionsError('invalid-argument', `Unknown embedder "${value}": use default, ollama:<model> or hf:<model id> (--embedder or MINIONS_EMBEDDER).`);
}

/** Resolves the configuration (the index's and privacy mode's slice) from command-line options and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv, options: ConfigOptions = {}, cwd = process.cwd()): Config {
  const read = <N extends SettingName>(name: N): Settings[N] => readSetting(name, env, options);
  const privacy = read('privacy');
  const allowRemoteModels = read('allowRemoteModels');
  if (privacy && allowRemoteModels) {
    throw new MinionsError('invalid-argument', 'MINIONS_ALLOW_REMOTE_MODELS=1 downloads models, which privacy mode forbids: unset it, or turn privacy mode off with --no-privacy (or MINIONS_PRIVACY=0).');
  }
  const dataDir = read('dataDir');
  const config: Config = {
    dataDir: dataDir === undefined ? defaultDataDir(env) : resolve(cwd, dataDir),
    embedder: parseEmbedder(read('embedder'), env),
    embedPrecision: read('embedPrecision'),
    embedSessions: read('embedSessions'),
    threads: read('threads'),
    queryBatch: read('queryBatch'),
    storeCacheMb: read('storeCacheMb'),
    allowRemoteModels,
    privacy,
    allowedHosts: read('allowedHosts').split(',').map((host) => host.trim().replace(/^\[|\]$/g, '').toLowerCase()).filter((host) => host !== ''),
    allowNetworkCommands: read('allowNetworkCommands'),
    allowUnsandboxedCommands: read('allowUnsandboxedCommands'),
  };
  if (config.embedder.kind === 'ollama') checkModelHost(config, config.embedder.host, 'the embedder, OLLAMA_HOST');
  return config;
}
