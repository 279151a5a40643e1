// Pull requests on Gitea and Forgejo through their REST API (`/api/v1`), with fetch.
import type { ForgeClient, PullRequestDraft, PullRequestInfo } from '../../agent/index.js';
import { MinionsError } from '../../schemas/index.js';
import { forgeFailure, unreachable, type ForgeContext } from './forge-errors.js';

/** A pull request as Gitea returns it. */
interface GiteaPull {
  number: number;
  html_url: string;
  draft?: boolean;
  title?: string;
  head?: { ref?: string };
}

/** Gitea marks drafts by a title prefix (`WIP:` by default); newer versions also answer `draft`. */
function info(pull: GiteaPull): PullRequestInfo {
  return { url: pull.html_url, number: pull.number, draft: pull.draft === true || /^(WIP:|\[WIP\])/i.test(pull.title ?? '') };
}

function repositoryPath(repository: string): string {
  const parts = repository.split('/');
  if (parts.length !== 2 || parts.some((part) => part === '')) throw new MinionsError('invalid-argument', `A Gitea repository is owner/name, not "${repository}" (publish.repository).`);
  return parts.map((part) => encodeURIComponent(part)).join('/');
}

/** A Gitea (or Forgejo) client for one repository (`context.location.repository` is owner/name). */
export function createGiteaClient(context: ForgeContext, options: { fetch?: typeof fetch } = {}): ForgeClient {
  const fetcher = options.fetch ?? fetch;
  const base = `${context.location.apiUrl}/repos/${repositoryPath(context.location.repository)}`;
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json', ...(context.token === undefined ? {} : { authorization: `token ${context.token}` }) };
  const request = async <T>(action: string, path: string, signal: AbortSignal, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetcher(`${base}${path}`, { method: body === undefined ? 'GET' : 'POST', headers, signal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw unreachable(context, error, action);
    }
    const text = await response.text();
    if (!response.ok) throw forgeFailure(context, response.status, messageOf(text), action);
    return JSON.parse(text) as T;
  };
  /** The ids of the named labels the repository has (Gitea takes label ids, not names); unknown names are left out. */
  const labelIds = async (names: readonly string[], signal: AbortSignal): Promise<number[]> => {
    if (names.length === 0) return [];
    const labels = await request<{ id: number; name: string }[]>('read the labels', '/labels?limit=50', signal);
    return labels.filter((label) => names.includes(label.name)).map((label) => label.id);
  };
  return {
    kind: 'gitea',
    async open(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo> {
      const title = draft.draft && !/^(WIP:|\[WIP\])/i.test(draft.title) ? `WIP: ${draft.title}` : draft.title;
      const labels = await labelIds(draft.labels, signal);
      const pull = await request<GiteaPull>('open a pull request', '/pulls', signal, { head: draft.head, base: draft.base, title, body: draft.body, ...(labels.length > 0 ? { labels } : {}) });
      return info(pull);
    },
    async findByBranch(head: string, signal: AbortSignal): Promise<PullRequestInfo | undefined> {
      for (let page = 1; page <= 5; page += 1) {
        const pulls = await request<GiteaPull[]>('list pull requests', `/pulls?state=open&limit=50&page=${page}`, signal);
        const match = pulls.find((pull) => pull.head?.ref === head);
        if (match !== undefined) return info(match);
        if (pulls.length < 50) return undefined;
      }
      return undefined;
    },
  };
}

/** Gitea's `message` from an error body, or the body itself. */
function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : text;
  } catch {
    return text;
  }
}
