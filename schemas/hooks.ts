// The CI hook (`POST /v1/hooks/ci`, issue 16 part 2): the generic failure payload a CI
// job posts, the headers the hook reads, and its answer. GitHub's own webhook payloads
// are read field by field by the server (they carry hundreds of fields of no interest).
import { Type, type Static } from '@sinclair/typebox';

/** A CI failure as any CI system can post it (signed like a GitHub delivery). */
export const CiFailure = Type.Object(
  {
    repository: Type.String({ minLength: 1, maxLength: 4096, description: 'a registered repository: its path, its id, or a remote URL of it (https, ssh or scp-like)' }),
    commit: Type.String({ pattern: '^[0-9a-fA-F]{7,64}$', description: 'the commit whose checks failed; the task starts from it' }),
    check: Type.String({ minLength: 1, maxLength: 500, description: 'the failing job or check' }),
    logExcerpt: Type.Optional(Type.String({ maxLength: 1_000_000, description: 'the end of the failing log; the task keeps a bounded excerpt' })),
    url: Type.Optional(Type.String({ maxLength: 2000, description: 'where the failure is shown' })),
  },
  { additionalProperties: false },
);
export type CiFailure = Static<typeof CiFailure>;

/** The headers the hook reads: the signature always, GitHub's event name on its deliveries. */
export const HookHeaders = Type.Object({
  'x-hub-signature-256': Type.Optional(Type.String({ description: 'sha256=<hex HMAC-SHA256 of the raw body with the hook secret>, as GitHub signs' })),
  'x-github-event': Type.Optional(Type.String({ description: 'workflow_run or check_run (others are ignored); absent: the generic payload' })),
  'x-github-delivery': Type.Optional(Type.String()),
});
export type HookHeaders = Static<typeof HookHeaders>;

/**
 * What the hook did: `queued` a new task (202), found the `duplicate` of one already
 * created for the same repository, commit and check (200), or `ignored` the delivery (202).
 */
export const HookAnswer = Type.Object({
  status: Type.Union([Type.Literal('queued'), Type.Literal('duplicate'), Type.Literal('ignored')]),
  id: Type.Optional(Type.String({ description: 'the task, queued now or earlier' })),
  reason: Type.Optional(Type.String({ description: 'why the delivery was ignored' })),
});
export type HookAnswer = Static<typeof HookAnswer>;

const sha = Type.String({ pattern: '^[0-9a-fA-F]{7,64}$' });
const nullableText = Type.Optional(Type.Union([Type.String(), Type.Null()]));
const link = Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]));

/** The repository of a GitHub webhook delivery: the fields the hook matches against registered remotes. */
export const GitHubRepository = Type.Object({
  full_name: Type.String({ minLength: 1, maxLength: 4096, description: 'owner/name' }),
  clone_url: Type.Optional(Type.String()),
  ssh_url: Type.Optional(Type.String()),
  git_url: Type.Optional(Type.String()),
  html_url: Type.Optional(Type.String()),
});
export type GitHubRepository = Static<typeof GitHubRepository>;

/** A GitHub `workflow_run` delivery, the fields the hook reads (GitHub sends many more, kept as they are). */
export const GitHubWorkflowRunDelivery = Type.Object({
  action: Type.String(),
  repository: GitHubRepository,
  workflow_run: Type.Object({ name: Type.String({ maxLength: 500 }), head_sha: sha, conclusion: nullableText, html_url: link, display_title: nullableText }),
});
export type GitHubWorkflowRunDelivery = Static<typeof GitHubWorkflowRunDelivery>;

/** A GitHub `check_run` delivery, the fields the hook reads. */
export const GitHubCheckRunDelivery = Type.Object({
  action: Type.String(),
  repository: GitHubRepository,
  check_run: Type.Object({
    name: Type.String({ maxLength: 500 }),
    head_sha: sha,
    conclusion: nullableText,
    html_url: link,
    details_url: link,
    output: Type.Optional(Type.Object({ title: nullableText, summary: nullableText, text: nullableText })),
  }),
});
export type GitHubCheckRunDelivery = Static<typeof GitHubCheckRunDelivery>;
