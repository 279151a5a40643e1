// Merge requests on GitLab (gitlab.com or self-managed, through `host`) with @gitbeaker/rest.
import type { Gitlab } from '@gitbeaker/rest';
import type { ForgeClient, PullRequestDraft, PullRequestInfo } from '../../agent/index.js';
import { abortable } from '../../platform/index.js';
import { forgeFailure, unreachable, type ForgeContext } from './forge-errors.js';

/** Gitbeaker's error: the response and GitLab's `message` as its description. */
interface RequestFailure {
  cause: { description: string; response: Response };
}

function isRequestFailure(error: unknown): error is RequestFailure {
  const cause = error instanceof Error ? (error.cause as { response?: unknown } | undefined) : undefined;
  return cause !== undefined && cause.response instanceof Response;
}

/** GitLab's draft marker: `Draft: ` before the title (minions' own `WIP: ` is replaced by it). */
function draftTitle(title: string, draft: boolean): string {
  if (!draft || /^(draft:|\[draft\]|\(draft\))/i.test(title)) return title;
  return `Draft: ${title.replace(/^WIP:\s*/, '')}`;
}

/** A merge request as GitLab returns it (snake_case; gitbeaker does not camelize unless asked). */
interface MergeRequest {
  iid: number;
  web_url: string;
  draft?: boolean;
  work_in_progress?: boolean;
}

function info(request: MergeRequest): PullRequestInfo {
  return { url: request.web_url, number: request.iid, draft: request.draft === true || request.work_in_progress === true };
}

/** A GitLab client for one project (`context.location.repository` is its path, `group/sub/project`). */
export function createGitLabClient(context: ForgeContext): ForgeClient {
  // Loaded on first use (the library is large): a server that never opens a merge request does not pay for it.
  let loaded: Promise<Gitlab<false>> | undefined;
  const client = (): Promise<Gitlab<false>> => (loaded ??= import('@gitbeaker/rest').then(({ Gitlab }) => new Gitlab({ host: context.location.apiUrl, token: context.token ?? '', queryTimeout: 60_000 })));
  const project = context.location.repository;
  const call = async <T>(action: string, run: (api: Gitlab<false>) => Promise<T>, signal: AbortSignal): Promise<T> => {
    const api = await client();
    try {
      // Gitbeaker takes no signal: the caller stops waiting, the request ends at its own timeout.
      return await abortable(run(api), signal);
    } catch (error) {
      if (isRequestFailure(error)) throw forgeFailure(context, error.cause.response.status, error.cause.description, action);
      throw unreachable(context, error, action);
    }
  };
  return {
    kind: 'gitlab',
    async open(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo> {
      const options = { description: draft.body, ...(draft.labels.length > 0 ? { labels: draft.labels.join(',') } : {}) };
      const created = await call('open a merge request', (api) => api.MergeRequests.create(project, draft.head, draft.base, draftTitle(draft.title, draft.draft), options), signal);
      return info(created);
    },
    async findByBranch(head: string, signal: AbortSignal): Promise<PullRequestInfo | undefined> {
      const found = await call('list merge requests', (api) => api.MergeRequests.all({ projectId: project, sourceBranch: head, state: 'opened', perPage: 10, maxPages: 1 }), signal);
      const first = found[0];
      return first === undefined ? undefined : info(first);
    },
  };
}
