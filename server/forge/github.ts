// Pull requests on GitHub (and GitHub Enterprise, through `baseUrl`) with @octokit/rest.
import type { Octokit } from '@octokit/rest';
import type { ForgeClient, PullRequestDraft, PullRequestInfo } from '../../agent/index.js';
import { MinionsError } from '../../schemas/index.js';
import { forgeFailure, unreachable, type ForgeContext } from './forge-errors.js';

/** Octokit's error: an HTTP status and the response's JSON (`message`, `errors`). */
interface HttpError {
  status: number;
  response?: { data?: unknown };
}

function isHttpError(error: unknown): error is HttpError {
  return error instanceof Error && error.name === 'HttpError' && typeof (error as { status?: unknown }).status === 'number';
}

/** GitHub's message and its validation errors' messages ("A pull request already exists for owner:branch."). */
function detailOf(error: HttpError): string {
  const data = error.response?.data as { message?: unknown; errors?: { message?: unknown }[] } | undefined;
  const messages = [data?.message, ...(data?.errors ?? []).map((entry) => entry.message)].filter((message): message is string => typeof message === 'string');
  return messages.join('; ');
}

function ownerAndName(repository: string): { owner: string; repo: string } {
  const [owner, repo, ...rest] = repository.split('/');
  if (owner === undefined || repo === undefined || owner === '' || repo === '' || rest.length > 0) throw new MinionsError('invalid-argument', `A GitHub repository is owner/name, not "${repository}" (publish.repository).`);
  return { owner, repo };
}

/** A GitHub client for one repository (`context.location.repository` is owner/name). */
export function createGitHubClient(context: ForgeContext, options: { fetch?: typeof fetch } = {}): ForgeClient {
  const { owner, repo } = ownerAndName(context.location.repository);
  // Loaded on first use: a server that never opens a pull request does not pay for the library.
  let loaded: Promise<Octokit> | undefined;
  const client = (): Promise<Octokit> =>
    (loaded ??= import('@octokit/rest').then(
      ({ Octokit }) =>
        new Octokit({
          baseUrl: context.location.apiUrl,
          userAgent: 'minions',
          ...(context.token === undefined ? {} : { auth: context.token }),
          // Octokit's own warnings would go to the console; its errors are reported by the caller.
          log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
          request: options.fetch === undefined ? {} : { fetch: options.fetch },
        }),
    ));
  const call = async <T>(action: string, run: (octokit: Octokit) => Promise<T>): Promise<T> => {
    const octokit = await client();
    try {
      return await run(octokit);
    } catch (error) {
      if (isHttpError(error)) throw forgeFailure(context, error.status, detailOf(error), action);
      throw unreachable(context, error, action);
    }
  };
  const info = (pull: { html_url: string; number: number; draft?: boolean | undefined }): PullRequestInfo => ({ url: pull.html_url, number: pull.number, draft: pull.draft === true });
  return {
    kind: 'github',
    async open(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo> {
      const create = (asDraft: boolean): Promise<{ data: { html_url: string; number: number; draft?: boolean | undefined } }> =>
        call('open a pull request', (octokit) => octokit.pulls.create({ owner, repo, head: draft.head, base: draft.base, title: draft.title, body: draft.body, draft: asDraft, request: { signal } }));
      // Private repositories on some plans have no drafts (422): opened as a plain one, its `WIP:` title still says so.
      const { data } = await create(draft.draft).catch((error: unknown) => {
        if (draft.draft && error instanceof MinionsError && error.code === 'internal' && /\(422: .*draft pull requests are not supported/i.test(error.message)) return create(false);
        throw error;
      });
      // Labels are the issue's: a second call, after the pull request exists.
      if (draft.labels.length > 0) await call('label the pull request', (octokit) => octokit.issues.addLabels({ owner, repo, issue_number: data.number, labels: [...draft.labels], request: { signal } }));
      return info(data);
    },
    async findByBranch(head: string, signal: AbortSignal): Promise<PullRequestInfo | undefined> {
      const { data } = await call('list pull requests', (octokit) => octokit.pulls.list({ owner, repo, head: `${owner}:${head}`, state: 'open', per_page: 10, request: { signal } }));
      const pull = data.find((entry) => entry.head.ref === head) ?? data[0];
      return pull === undefined ? undefined : info(pull);
    },
  };
}
