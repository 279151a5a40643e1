// A stand-in for three forges' pull-request APIs, for tests only: node:http on 127.0.0.1
// speaking the documented request and response shapes of GitHub (`/github`, REST v3),
// GitLab (`/gitlab/api/v4`) and Gitea (`/gitea/api/v1`) for creating and listing pull
// requests, labels included, with their error answers: 401 without the right token, 404
// for an unknown repository, and 422 (GitHub) or 409 (GitLab, Gitea) when a pull request
// for the branch exists already. It records every request.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded request. */
export interface ForgeRequest {
  forge: 'github' | 'gitlab' | 'gitea';
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

/** One pull request the stand-in holds. */
export interface StoredPull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels: string[];
}

/** A running stand-in. */
export interface ForgeApiServer {
  /** `http://127.0.0.1:<port>`; the APIs are at `/github`, `/gitlab` (gitbeaker adds `/api/v4`) and `/gitea/api/v1`. */
  url: string;
  readonly requests: ForgeRequest[];
  /** The pull requests of a repository (`owner/name` or GitLab's project path) on a forge. */
  pulls(forge: ForgeRequest['forge'], repository: string): StoredPull[];
  close(): Promise<void>;
}

type Reply = { status: number; body: unknown };

const json = (status: number, body: unknown): Reply => ({ status, body });

/** Gitea's labels of every repository, by id. */
const giteaLabels = [
  { id: 1, name: 'minions', color: '#00aabb' },
  { id: 2, name: 'bug', color: '#ee0701' },
];

function github(state: State, repository: string, method: string, rest: string, url: URL, body: Record<string, unknown>): Reply {
  const pulls = state.pulls('github', repository);
  const web = `https://github.example/${repository}/pull`;
  const shape = (pull: StoredPull): unknown => ({ number: pull.number, html_url: `${web}/${pull.number}`, state: 'open', title: pull.title, body: pull.body, draft: pull.draft, head: { ref: pull.head, label: `${repository.split('/')[0]}:${pull.head}` }, base: { ref: pull.base } });
  if (method === 'POST' && rest === '/pulls') {
    if (body.draft === true && state.draftless.has(repository)) {
      return json(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: 'Draft pull requests are not supported in this repository.' }], documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request', status: '422' });
    }
    if (pulls.some((pull) => pull.head === body.head)) {
      return json(422, { message: 'Validation Failed', errors: [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${repository.split('/')[0]}:${String(body.head)}.` }], documentation_url: 'https://docs.github.com/rest/pulls/pulls#create-a-pull-request', status: '422' });
    }
    const pull = state.add('github', repository, { head: String(body.head), base: String(body.base), title: String(body.title), body: String(body.body ?? ''), draft: body.draft === true, labels: [] });
    return json(201, shape(pull));
  }
  if (method === 'GET' && rest === '/pulls') {
    const head = url.searchParams.get('head')?.split(':')[1];
    return json(200, pulls.filter((pull) => head === undefined || pull.head === head).map(shape));
  }
  const labels = /^\/issues\/(\d+)\/labels$/.exec(rest);
  if (method === 'POST' && labels !== null) {
    const pull = pulls.find((entry) => entry.number === Number(labels[1]));
    if (pull === undefined) return json(404, { message: 'Not Found', status: '404' });
    pull.labels.push(...(body.labels as string[]));
    return json(200, pull.labels.map((name, index) => ({ id: index + 1, name })));
  }
  return json(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
}

function gitlab(state: State, project: string, method: string, rest: string, url: URL, body: Record<string, unknown>): Reply {
  const pulls = state.pulls('gitlab', project);
  const shape = (pull: StoredPull): unknown => ({ id: 1000 + pull.number, iid: pull.number, project_id: 7, title: pull.title, description: pull.body, state: 'opened', draft: pull.draft, work_in_progress: pull.draft, source_branch: pull.head, target_branch: pull.base, labels: pull.labels, web_url: `https://gitlab.example/${project}/-/merge_requests/${pull.number}` });
  if (method === 'POST' && rest === '/merge_requests') {
    const existing = pulls.find((pull) => pull.head === body.source_branch);
    if (existing !== undefined) return json(409, { message: [`Another open merge request already exists for this source branch: !${existing.number}`] });
    const title = String(body.title);
    const labels = typeof body.labels === 'string' && body.labels !== '' ? body.labels.split(',') : [];
    return json(201, shape(state.add('gitlab', project, { head: String(body.source_branch), base: String(body.target_branch), title, body: String(body.description ?? ''), draft: /^(draft:|\[draft\]|\(draft\))/i.test(title), labels })));
  }
  if (method === 'GET' && rest === '/merge_requests') {
    const source = url.searchParams.get('source_branch');
    return json(200, pulls.filter((pull) => source === null || pull.head === source).map(shape));
  }
  return json(404, { error: '404 Not Found' });
}

function gitea(state: State, repository: string, method: string, rest: string, body: Record<string, unknown>): Reply {
  const pulls = state.pulls('gitea', repository);
  const shape = (pull: StoredPull): unknown => ({ id: 500 + pull.number, number: pull.number, title: pull.title, body: pull.body, state: 'open', draft: pull.draft, html_url: `https://gitea.example/${repository}/pulls/${pull.number}`, head: { ref: pull.head, label: pull.head }, base: { ref: pull.base }, labels: giteaLabels.filter((label) => pull.labels.includes(label.name)) });
  if (method === 'GET' && rest === '/labels') return json(200, giteaLabels);
  if (method === 'POST' && rest === '/pulls') {
    const existing = pulls.find((pull) => pull.head === body.head && pull.base === body.base);
    if (existing !== undefined) return json(409, { message: `pull request already exists for these targets [id: ${500 + existing.number}, issue_id: ${existing.number}, head_repo_id: 1, base_repo_id: 1, head_branch: ${existing.head}, base_branch: ${existing.base}]`, url: 'https://gitea.example/api/swagger' });
    const title = String(body.title);
    const labels = ((body.labels as number[] | undefined) ?? []).map((id) => giteaLabels.find((label) => label.id === id)?.name ?? '');
    return json(201, shape(state.add('gitea', repository, { head: String(body.head), base: String(body.base), title, body: String(body.body ?? ''), draft: /^(WIP:|\[WIP\])/i.test(title), labels })));
  }
  if (method === 'GET' && rest === '/pulls') return json(200, pulls.map(shape));
  return json(404, { message: 'The target couldn\'t be found.', url: 'https://gitea.example/api/swagger', errors: [] });
}

class State {
  private readonly stored = new Map<string, StoredPull[]>();
  constructor(
    readonly repositories: ReadonlySet<string>,
    readonly draftless: ReadonlySet<string>,
  ) {}
  pulls(forge: string, repository: string): StoredPull[] {
    const key = `${forge} ${repository}`;
    if (!this.stored.has(key)) this.stored.set(key, []);
    return this.stored.get(key) as StoredPull[];
  }
  add(forge: string, repository: string, pull: Omit<StoredPull, 'number'>): StoredPull {
    const pulls = this.pulls(forge, repository);
    const stored = { number: pulls.length + 1, ...pull };
    pulls.push(stored);
    return stored;
  }
}

/** Each forge's way of sending the token: GitHub `authorization: token T`, GitLab `private-token: T`, Gitea `authorization: token T`. */
function tokenOf(forge: ForgeRequest['forge'], headers: IncomingMessage['headers']): string | undefined {
  if (forge === 'gitlab') return typeof headers['private-token'] === 'string' ? headers['private-token'] : undefined;
  return /^(?:token|bearer) (.+)$/i.exec(headers.authorization ?? '')?.[1];
}

const unauthorized: Record<ForgeRequest['forge'], unknown> = {
  github: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
  gitlab: { message: '401 Unauthorized' },
  gitea: { message: 'token is required', url: 'https://gitea.example/api/swagger' },
};

/** Routes one request: forge by prefix, repository, then the forge's own handler. */
function route(state: State, token: string, request: ForgeRequest, url: URL): Reply {
  if (tokenOf(request.forge, request.headers) !== token) return json(401, unauthorized[request.forge]);
  const body = (request.body ?? {}) as Record<string, unknown>;
  const match =
    request.forge === 'github' ? /^\/github\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(url.pathname)
    : request.forge === 'gitlab' ? /^\/gitlab\/api\/v4\/projects\/([^/]+)(\/.*)$/.exec(url.pathname)
    : /^\/gitea\/api\/v1\/repos\/([^/]+\/[^/]+)(\/.*)$/.exec(url.pathname);
  const repository = decodeURIComponent(match?.[1] ?? '');
  if (match === null || !state.repositories.has(repository)) {
    return json(404, request.forge === 'github' ? { message: 'Not Found', status: '404' } : request.forge === 'gitlab' ? { message: '404 Project Not Found' } : { message: "The target couldn't be found.", errors: [] });
  }
  const rest = match[2] ?? '';
  if (request.forge === 'github') return github(state, repository, request.method, rest, url, body);
  if (request.forge === 'gitlab') return gitlab(state, repository, request.method, rest, url, body);
  return gitea(state, repository, request.method, rest, body);
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text === '' ? undefined : (JSON.parse(text) as unknown);
}

/**
 * Starts the stand-in: `repositories` exist on every forge, `token` is the only one
 * accepted; GitHub refuses drafts on the `draftless` ones (422, as on some private plans).
 */
export async function startForgeApiServer(options: { repositories: string[]; token: string; draftless?: string[] }): Promise<ForgeApiServer> {
  const state = new State(new Set(options.repositories), new Set(options.draftless ?? []));
  const requests: ForgeRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const forge = url.pathname.startsWith('/gitlab/') ? 'gitlab' : url.pathname.startsWith('/gitea/') ? 'gitea' : 'github';
      const recorded: ForgeRequest = { forge, method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, headers: request.headers, body: await readBody(request) };
      requests.push(recorded);
      const reply = route(state, options.token, recorded, url);
      response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(reply.body));
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pulls: (forge, repository) => state.pulls(forge, repository),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
