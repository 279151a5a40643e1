// The agent's composition: code search wired to the indexer (hybrid where the index's
// embedder is at hand, BM25 otherwise), and the runner's settings from the edge.
import { join } from 'node:path';
import { createAgentRunner, type CodeSearch, type CommandNetworkPolicy } from '../agent/index.js';
import { queryRepository, readMeta, resolveRepository } from '../indexer/index.js';
import { MinionsError, type TaskRunner } from '../schemas/index.js';
import { checkModelHost, loadOllamaHost, type Config } from './config.js';
import type { IndexRuntime } from './runtime.js';
import { readSetting } from './settings.js';

/** The agent's settings: explicit option, then environment variable, then default. */
export interface AgentSettings {
  ollamaHost: string;
  model: string;
  worktreesDir: string;
  /** In privacy mode commands run without network (refused where impossible, unless allowed); otherwise with. */
  commandNetwork: CommandNetworkPolicy;
}

/**
 * Resolves the agent's slice of the configuration (`OLLAMA_HOST`, normalised once by
 * `loadOllamaHost`; `--model` or `MINIONS_MODEL`, default qwen2.5-coder:7b; worktrees under
 * the data directory).
 */
export function loadAgentSettings(env: NodeJS.ProcessEnv, config: Config, options: { model?: string | undefined; ollamaHost?: string | undefined } = {}): AgentSettings {
  const ollamaHost = loadOllamaHost(env, options.ollamaHost);
  checkModelHost(config, ollamaHost, 'the agent model, OLLAMA_HOST');
  return {
    ollamaHost,
    model: readSetting('model', env, { model: options.model }),
    worktreesDir: join(config.dataDir, 'worktrees'),
    commandNetwork: !config.privacy ? 'allowed' : config.allowNetworkCommands ? 'isolated-if-available' : 'isolated',
  };
}

/**
 * Code search over the index of the repository a task runs on. Without an index it
 * throws `index-missing` (the agent tells the model to use grep instead); when the
 * index was built with another embedder than the configured one, it searches BM25 only.
 */
export function createIndexSearch(runtime: IndexRuntime): CodeSearch {
  return {
    async search(query, k, scope) {
      if (scope === undefined) throw new MinionsError('invalid-argument', 'code search needs the repository to search');
      const repository = await resolveRepository(scope.repo);
      const meta = await readMeta(runtime.metaFolder, repository.repositoryId);
      if (meta === undefined) throw new MinionsError('index-missing', `${repository.root} has no index; build it with \`minions index ${repository.root}\``);
      const embedder = await runtime.embedder(scope.signal);
      const hybrid = embedder.modelId === meta.model;
      const request = { repo: repository.root, query: query.slice(0, 4096), k, mode: hybrid ? ('hybrid' as const) : ('text' as const) };
      return queryRepository(request, { store: runtime.store, metaFolder: runtime.metaFolder, ...(hybrid ? { embedder } : {}), ...(scope.signal ? { signal: scope.signal } : {}) });
    },
  };
}

/** The agent as the server and the CLI run it. */
export function createRunner(settings: AgentSettings, runtime: IndexRuntime, environment: NodeJS.ProcessEnv): TaskRunner {
  return createAgentRunner({ ollamaHost: settings.ollamaHost, model: settings.model, search: createIndexSearch(runtime), worktreesDir: settings.worktreesDir, environment, commandNetwork: settings.commandNetwork });
}
