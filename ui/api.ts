// The UI's one way to the server: fetch with the bearer token (when one was given),
// JSON in and out, the server's error envelope turned into an ApiError.
import type {
  ErrorEnvelope,
  FollowUpRequest,
  QueryRequest,
  QueryResponse,
  Repository,
  RepositoryList,
  Stats,
  Task,
  TaskAccepted,
  TaskList,
  TaskRequest,
  TaskResult,
  TaskStatus,
} from '../schemas/index.js';

const tokenKey = 'minions-token';

/** The bearer token for this tab: asked once, kept in sessionStorage (never in a URL), gone when the tab closes. */
export const session = {
  token(): string | undefined {
    return sessionStorage.getItem(tokenKey) ?? undefined;
  },
  setToken(token: string): void {
    sessionStorage.setItem(tokenKey, token);
  },
  clear(): void {
    sessionStorage.removeItem(tokenKey);
  },
};

/** A failed API call: the HTTP status and the server's error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Calls `listener` whenever the server answers 401 (no token yet, or a wrong one); returns the unsubscribe. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The headers every call sends: the token, when there is one. */
export function authHeaders(): Record<string, string> {
  const token = session.token();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/** Turns a non-2xx response into an ApiError (and tells the listeners about a 401). */
export async function failure(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let code = 'http-error';
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = JSON.parse(text) as ErrorEnvelope;
    code = body.error.code;
    message = body.error.message;
  } catch {
    // Not the envelope (a proxy's page): keep the status line.
  }
  if (response.status === 401) for (const listener of unauthorizedListeners) listener();
  return new ApiError(response.status, code, message);
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }), ...(signal ? { signal } : {}) });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** The HTTP API of `minions serve`, as the pages use it. */
export const api = {
  repositories: (signal?: AbortSignal) => call<RepositoryList>('GET', '/v1/repositories', undefined, signal).then((list) => list.repositories),
  register: (path: string) => call<Repository>('POST', '/v1/repositories', { path }),
  unregister: (id: string) => call<void>('DELETE', `/v1/repositories/${encodeURIComponent(id)}`),
  query: (request: QueryRequest, signal?: AbortSignal) => call<QueryResponse>('POST', '/v1/query', request, signal),
  tasks: (filters: { status?: TaskStatus | undefined; repo?: string | undefined }, signal?: AbortSignal) => {
    const search = new URLSearchParams();
    if (filters.status !== undefined) search.set('status', filters.status);
    if (filters.repo !== undefined) search.set('repo', filters.repo);
    const query = search.toString();
    return call<TaskList>('GET', `/v1/tasks${query === '' ? '' : `?${query}`}`, undefined, signal).then((list) => list.tasks);
  },
  task: (id: string, signal?: AbortSignal) => call<Task>('GET', `/v1/tasks/${encodeURIComponent(id)}`, undefined, signal),
  result: (id: string, signal?: AbortSignal) => call<TaskResult>('GET', `/v1/tasks/${encodeURIComponent(id)}/result`, undefined, signal),
  submit: (request: TaskRequest) => call<TaskAccepted>('POST', '/v1/tasks', request),
  cancel: (id: string) => call<TaskAccepted>('POST', `/v1/tasks/${encodeURIComponent(id)}/cancel`),
  followUp: (id: string, request: FollowUpRequest) => call<TaskAccepted>('POST', `/v1/tasks/${encodeURIComponent(id)}/follow-ups`, request),
  stats: (signal?: AbortSignal) => call<Stats>('GET', '/v1/stats', undefined, signal),
};

/** A message for any error a call may throw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
