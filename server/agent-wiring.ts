// The agent's composition: code search wired to the indexer (under the index's one
// query policy), and the runner's settings from the edge.
import { join } from 'node:path';
import { createAgentRunner, type CodeSearch, type CommandNetworkPolicy, type Publisher } from '../agent/index.js';
import type { CodeIndex } from '../indexer/index.js';
import { MinionsError, type ReviewPolicy, type TaskRunner } from '../schemas/index.js';
import { checkModelHost, loadOllamaHost, type Config } from './config.js';
import { loadForgeTokens } from './forge/forge-tokens.js';
import { createForgePublisher, registryPublishLookup } from './forge/publisher.js';
import { registryFile } from './http/repositories/registry-file.js';
import { readSetting } from './settings.js';

/** The agent's settings: explicit option, then environment variable, then default. */
export interface AgentSettings {
  ollamaHost: string;
  model: string;
  worktreesDir: string;
  /** In privacy mode commands run without network (refused where impossible, unless allowed); otherwise with. */
  commandNetwork: CommandNetworkPolicy;
  /** Where bubblewrap cannot run: run commands unsandboxed (true) or refuse the run (false). */
  allowUnsandboxedCommands: boolean;
  /** RLIMIT_DATA of each command in bytes (MINIONS_COMMAND_MEMORY_MB); 0 for none. */
  commandMemoryBytes: number;
  /** The model's sampling temperature (`--temperature` or MINIONS_TEMPERATURE); unset: the Modelfile's, else 0.2. */
  temperature: number | undefined;
  /** num_ctx of the agent's models (`--num-ctx`, MINIONS_NUM_CTX); undefined: the Modelfile's or the model's. */
  numCtx: number | undefined;
  /** The reviewer node (`--review`/`--no-review`, `--review-model`, `--review-policy`; MINIONS_REVIEW*): on when a review model is set unless said otherwise. */
  review: { enabled?: boolean; model?: string; policy: ReviewPolicy };
}

/** The explicit options of the agent's settings, as typed on the command line. */
export interface AgentOptions {
  model?: string | undefined;
  ollamaHost?: string | undefined;
  temperature?: string | undefined;
  numCtx?: string | undefined;
  review?: boolean | undefined;
  reviewModel?: string | undefined;
  reviewPolicy?: string | undefined;
}

/**
 * Resolves the agent's slice of the configuration (`OLLAMA_HOST`, normalised once by
 * `loadOllamaHost`; `--model` or `MINIONS_MODEL`, default qwen2.5-coder:7b; worktrees under
 * the data directory).
 */
export function loadAgentSettings(env: NodeJS.ProcessEnv, config: Config, options: AgentOptions = {}): AgentSettings {
  const ollamaHost = loadOllamaHost(env, options.ollamaHost);
  checkModelHost(config, ollamaHost, 'the agent model, OLLAMA_HOST');
  return {
    ollamaHost,
    model: readSetting('model', env, { model: options.model }),
    worktreesDir: join(config.dataDir, 'worktrees'),
    commandNetwork: !config.privacy ? 'allowed' : config.allowNetworkCommands ? 'isolated-if-available' : 'isolated',
    allowUnsandboxedCommands: config.allowUnsandboxedCommands,
    commandMemoryBytes: readSetting('commandMemoryMb', env) * 1024 * 1024,
    temperature: readSetting('temperature', env, { temperature: options.temperature }),
    numCtx: readSetting('numCtx', env, { numCtx: options.numCtx }),
    review: reviewSettings(env, options),
  };
}

/** The reviewer's settings; a review model names a model Ollama must serve, like the agent's. */
function reviewSettings(env: NodeJS.ProcessEnv, options: AgentOptions): AgentSettings['review'] {
  const enabled = readSetting('review', env, { review: options.review });
  const model = readSetting('reviewModel', env, { reviewModel: options.reviewModel });
  return { ...(enabled === undefined ? {} : { enabled }), ...(model === undefined ? {} : { model }), policy: readSetting('reviewPolicy', env, { reviewPolicy: options.reviewPolicy }) };
}

/**
 * Code search over the index of the repository a task runs on, under the index's one
 * query policy (the same answers and errors as `POST /v1/query` and `minions query`):
 * no mode is asked for, so it is hybrid when the index was built with the configured
 * embedder and BM25 otherwise. Without an index it throws `index-missing` (the agent
 * tells the model to use grep instead). `symbols` answers from the index's symbol graph
 * (`find_definition`, `find_references`), `repoMap` with its personalised map (the first
 * prompt's map section, `repo_map`).
 */
export function createIndexSearch(index: CodeIndex): CodeSearch {
  return {
    async search(query, k, scope) {
      if (scope === undefined) throw new MinionsError('invalid-argument', 'code search needs the repository to search');
      const repository = await index.repository(scope.repo, scope.signal);
      const answer = await repository.query({ query: query.slice(0, 4096), k }, { signal: scope.signal });
      return answer.results;
    },
    async repoMap(request, scope) {
      const repository = await index.repository(scope.repo, scope.signal);
      return repository.repoMap(request, scope.signal);
    },
    async symbols(name, scope) {
      const repository = await index.repository(scope.repo, scope.signal);
      return repository.symbols(name, { ...(scope.signal ? { signal: scope.signal } : {}), ...(scope.limit === undefined ? {} : { limit: scope.limit }) });
    },
  };
}

/**
 * Delivery to the forge (the publish node): each registered repository's publish settings
 * (read from the data directory's registry at each task), the forge tokens of the
 * configuration (MINIONS_FORGE_TOKENS, MINIONS_FORGE_TOKEN) and privacy mode's hosts.
 */
export function createPublisher(config: Config, environment: NodeJS.ProcessEnv): Publisher {
  return createForgePublisher({ lookup: registryPublishLookup(registryFile(config.dataDir)), tokens: loadForgeTokens(environment), policy: config });
}

/** The agent as the server and the CLI run it; with a publisher, tasks push and open pull requests as configured. */
export function createRunner(settings: AgentSettings, index: CodeIndex, environment: NodeJS.ProcessEnv, publisher?: Publisher): TaskRunner {
  return createSearchRunner(settings, createIndexSearch(index), environment, publisher);
}

/** The agent on another code search (a queue worker's: the server's API), optionally publishing to the forge. */
export function createSearchRunner(settings: AgentSettings, search: CodeSearch, environment: NodeJS.ProcessEnv, publisher?: Publisher): TaskRunner {
  return createAgentRunner({
    ...(publisher === undefined ? {} : { publisher }),
    ollamaHost: settings.ollamaHost, model: settings.model, search, worktreesDir: settings.worktreesDir, environment,
    commandNetwork: settings.commandNetwork,
    allowUnsandboxedCommands: settings.allowUnsandboxedCommands,
    commandMemoryBytes: settings.commandMemoryBytes,
    ...(settings.temperature === undefined ? {} : { temperature: settings.temperature }),
    ...(settings.numCtx === undefined ? {} : { numCtx: settings.numCtx }),
    review: settings.review,
  });
}
