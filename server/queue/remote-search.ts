// Code search for a worker on another machine: the agent's `CodeSearch` over the server's
// query, symbols and repo-map routes with the bearer token, so the server stays the one
// writer (and the one reader) of each index.
import type { CodeSearch } from '../../agent/index.js';
import { MinionsError, type QueryResponse, type RepoMap, type Repository, type SymbolsResponse } from '../../schemas/index.js';
import type { ServerClient } from '../server-client.js';

/**
 * Search through the server. `serverRoot` turns the repository path the worker runs on
 * into the server's (the same path unless `--path-map` says otherwise). The server's
 * errors come back with their codes: no index or no graph makes the agent use grep.
 */
export function remoteSearch(client: ServerClient, serverRoot: (localRoot: string) => string): CodeSearch {
  const ids = new Map<string, Promise<string>>();
  const repositoryId = (root: string, signal: AbortSignal | undefined): Promise<string> => {
    let id = ids.get(root);
    if (id === undefined) {
      id = client.request<{ repositories: Repository[] }>('GET', '/v1/repositories', { signal }).then(({ repositories }) => {
        const match = repositories.find((repository) => repository.root === root);
        if (match === undefined) throw new MinionsError('index-missing', `The server has no registered repository at ${root}.`);
        return match.id;
      });
      // A failure is not remembered: the next call asks again.
      id.catch(() => ids.delete(root));
      ids.set(root, id);
    }
    return id;
  };
  return {
    async search(query, k, scope) {
      if (scope === undefined) throw new MinionsError('invalid-argument', 'code search needs the repository to search');
      const answer = await client.request<QueryResponse>('POST', '/v1/query', { body: { repo: serverRoot(scope.repo), query: query.slice(0, 4096), k }, signal: scope.signal });
      return answer.results;
    },
    async repoMap(request, scope) {
      const id = await repositoryId(serverRoot(scope.repo), scope.signal);
      return client.request<RepoMap>('POST', `/v1/repositories/${encodeURIComponent(id)}/map`, { body: request, signal: scope.signal });
    },
    async symbols(name, scope) {
      const id = await repositoryId(serverRoot(scope.repo), scope.signal);
      const query = new URLSearchParams({ name, ...(scope.limit === undefined ? {} : { limit: String(scope.limit) }) });
      return client.request<SymbolsResponse>('GET', `/v1/repositories/${encodeURIComponent(id)}/symbols?${query.toString()}`, { signal: scope.signal });
    },
  };
}
