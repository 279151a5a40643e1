import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
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
  /** Allow transformers.js to download models (never by default). */
  allowRemoteModels: boolean;
}

/** Command-line options that override the environment. */
export interface ConfigOptions {
  dataDir?: string | undefined;
  embedder?: string | undefined;
  threads?: string | undefined;
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
  return {
    dataDir: dataDir ? resolve(cwd, dataDir) : defaultDataDir(env),
    embedder: parseEmbedder(options.embedder ?? env.MINIONS_EMBEDDER ?? 'default', env),
    threads,
    allowRemoteModels: env.MINIONS_ALLOW_REMOTE_MODELS === '1',
  };
}
