// What the MCP tools and resources need, as one interface: implemented over the HTTP API
// (inside `minions serve`, and by `minions mcp` when a server runs) and over the index in
// this process (`minions mcp` without a server, where tasks cannot run).
import { MinionsError, type ContextRequest, type ContextResponse, type QueryRequest, type QueryResponse, type RepoMap, type RepoMapRequest, type Repository, type SymbolsResponse, type Task, type TaskAccepted, type TaskRequest, type TaskResult } from '../../schemas/index.js';

/** The operations behind the MCP tools and resources. Each failure is a `MinionsError` whose message is shown to the client. */
export interface McpOperations {
  /** The repositories that can be searched, with the state of their index. */
  repositories(signal: AbortSignal): Promise<Repository[]>;
  /** One repository by id (`not-found` when unknown). */
  repository(id: string, signal: AbortSignal): Promise<Repository>;
  /** A search, as `POST /v1/query` answers it. */
  query(request: QueryRequest, signal: AbortSignal): Promise<QueryResponse>;
  /** Queues a task (`agent-unavailable` where tasks cannot run). */
  submitTask(request: TaskRequest, signal: AbortSignal): Promise<TaskAccepted>;
  task(id: string, signal: AbortSignal): Promise<Task>;
  /** A finished task's result (`conflict` until there is one). */
  taskResult(id: string, signal: AbortSignal): Promise<TaskResult>;
  /** Where a name is defined and used, from the symbol graph (`find_definition`, `find_references`). */
  symbols?(repo: string, name: string, options: { limit?: number | undefined; signal: AbortSignal }): Promise<SymbolsResponse>;
  /** The repository's map, personalised by the request, within its token budget (`repo_map`). */
  repoMap?(repo: string, request: RepoMapRequest, signal: AbortSignal): Promise<RepoMap>;
  /** What the agent's first prompt would hold for a task (`context`). */
  context?(request: ContextRequest, signal: AbortSignal): Promise<ContextResponse>;
}

/** A JSON API to call: `ServerClient` over the network, or the app itself through `inject`. */
export interface JsonApi {
  request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options?: { body?: unknown; signal?: AbortSignal | undefined }): Promise<T>;
}

const segment = (id: string): string => encodeURIComponent(id);

/** A registered repository's id from its id or root path, for the routes under `/v1/repositories/:id`. */
async function repositoryId(api: JsonApi, repo: string, signal: AbortSignal): Promise<string> {
  if (/^[0-9a-f]{16}$/.test(repo)) return repo;
  const { repositories } = await api.request<{ repositories: Repository[] }>('GET', '/v1/repositories', { signal });
  const root = repo.length > 1 ? repo.replace(/\/+$/, '') : repo;
  const found = repositories.find((repository) => repository.root === root);
  if (found === undefined) throw new MinionsError('not-found', `${repo} is not the root of a registered repository; list_repositories names them (by root path and id).`);
  return found.id;
}

/** The operations over the server's HTTP routes: same validation, errors and auth as any other client. */
export function apiOperations(api: JsonApi): McpOperations {
  return {
    repositories: async (signal) => (await api.request<{ repositories: Repository[] }>('GET', '/v1/repositories', { signal })).repositories,
    repository: (id, signal) => api.request<Repository>('GET', `/v1/repositories/${segment(id)}`, { signal }),
    query: (request, signal) => api.request<QueryResponse>('POST', '/v1/query', { body: request, signal }),
    submitTask: (request, signal) => api.request<TaskAccepted>('POST', '/v1/tasks', { body: request, signal }),
    task: (id, signal) => api.request<Task>('GET', `/v1/tasks/${segment(id)}`, { signal }),
    taskResult: (id, signal) => api.request<TaskResult>('GET', `/v1/tasks/${segment(id)}/result`, { signal }),
    async symbols(repo, name, { limit, signal }) {
      const query = new URLSearchParams({ name, ...(limit === undefined ? {} : { limit: String(limit) }) });
      return api.request<SymbolsResponse>('GET', `/v1/repositories/${segment(await repositoryId(api, repo, signal))}/symbols?${query}`, { signal });
    },
    repoMap: async (repo, request, signal) => api.request<RepoMap>('POST', `/v1/repositories/${segment(await repositoryId(api, repo, signal))}/map`, { body: request, signal }),
    context: (request, signal) => api.request<ContextResponse>('POST', '/v1/context', { body: request, signal }),
  };
}
