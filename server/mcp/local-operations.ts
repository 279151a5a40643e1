// The MCP operations over the index opened in this process: what `minions mcp` serves when
// no `minions serve` runs on the data directory. Search works on every indexed repository;
// tasks need the server's queue and task logs, so they answer with how to start one.
import { isAbsolute } from 'node:path';
import { contextBudget, previewContext } from '../../agent/index.js';
import { indexedRepositories, type CodeIndex, type RepositoryIndex, type RepositoryMeta } from '../../indexer/index.js';
import { createIndexSearch } from '../agent-wiring.js';
import { MinionsError, type Repository } from '../../schemas/index.js';
import type { McpOperations } from './operations.js';

/** Why a task operation cannot run here, in one line. */
export const TASKS_NEED_SERVER = 'Tasks run in a minions server: start `minions serve` on this data directory (then restart this MCP server, or it keeps serving the index alone).';

/** An indexed repository as the API shows a registered one: ready, not watched by this process. */
function asRepository(meta: RepositoryMeta): Repository {
  return {
    id: meta.repositoryId,
    root: meta.root,
    status: 'ready',
    progress: { filesDone: meta.files, filesTotal: meta.files, chunks: meta.chunks, embedded: 0, cached: 0 },
    files: meta.files,
    chunks: meta.chunks,
    watching: false,
    registeredAt: meta.updatedAt,
    indexedAt: meta.updatedAt,
  };
}

/** The operations on a code index in this process; tasks are `agent-unavailable` with `TASKS_NEED_SERVER`. */
export function localOperations(index: CodeIndex, options: { numCtx?: number | undefined } = {}): McpOperations {
  const all = async (): Promise<Repository[]> => (await indexedRepositories(index.dataDir)).map(asRepository);
  const byId = async (id: string): Promise<Repository> => {
    const found = (await all()).find((repository) => repository.id === id);
    if (found === undefined) throw new MinionsError('not-found', `No indexed repository has the id ${id}; list_repositories names them.`);
    return found;
  };
  const handleOf = async (repo: string, signal: AbortSignal): Promise<RepositoryIndex> => {
    if (!isAbsolute(repo) && !/^[0-9a-f]{16}$/.test(repo)) throw new MinionsError('invalid-argument', `repo must be an absolute path or the id of an indexed repository, not "${repo}".`);
    return index.repository(isAbsolute(repo) ? repo : (await byId(repo)).root, signal);
  };
  const noTasks = async (): Promise<never> => {
    throw new MinionsError('agent-unavailable', TASKS_NEED_SERVER);
  };
  return {
    repositories: all,
    repository: byId,
    async query(request, signal) {
      const { repo, ...query } = request;
      return (await handleOf(repo, signal)).query(query, { signal });
    },
    symbols: async (repo, name, { limit, signal }) => (await handleOf(repo, signal)).symbols(name, { signal, ...(limit === undefined ? {} : { limit }) }),
    repoMap: async (repo, request, signal) => (await handleOf(repo, signal)).repoMap(request, signal),
    async context(request, signal) {
      const { root } = await handleOf(request.repo, signal);
      return previewContext({ search: createIndexSearch(index), repo: root, task: request.task, budget: request.budget ?? contextBudget(options.numCtx), signal });
    },
    submitTask: noTasks,
    task: noTasks,
    taskResult: noTasks,
  };
}
