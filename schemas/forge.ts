import { Type, type Static } from '@sinclair/typebox';

/** The forges minions opens pull requests on. */
export const ForgeKind = Type.Union([Type.Literal('github'), Type.Literal('gitlab'), Type.Literal('gitea')]);
export type ForgeKind = Static<typeof ForgeKind>;

/**
 * What a task asks of delivery beyond the local commit (issue 16 part 1): push the branch,
 * open a pull request. Unset fields fall back to the repository's configuration.
 */
export const PublishRequest = Type.Object(
  {
    push: Type.Optional(Type.Boolean({ description: "push the task's branch to the configured remote" })),
    pullRequest: Type.Optional(Type.Boolean({ description: 'open a pull request on the configured forge (implies push)' })),
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type PublishRequest = Static<typeof PublishRequest>;

/**
 * How a registered repository publishes a task's branch (its registration's `publish`):
 * the push remote, and the forge its pull requests go to. Unset forge fields are read
 * from the remote's URL (github.com, gitlab.com; otherwise `forge` must be named). Tokens
 * are never part of it: they come from the server's configuration (MINIONS_FORGE_TOKENS).
 */
export const RepositoryPublish = Type.Object(
  {
    remote: Type.String({ minLength: 1, maxLength: 2000, description: 'a remote of the repository (e.g. origin) or a URL or path to push to; credentials in it are refused' }),
    forge: Type.Optional(ForgeKind),
    apiUrl: Type.Optional(Type.String({ minLength: 1, maxLength: 2000, description: "the forge's API, e.g. https://ghe.example/api/v3 or https://gitea.example/api/v1 (default: from the remote's host)" })),
    repository: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: "owner/name on GitHub and Gitea, the project path on GitLab (default: from the remote's path)" })),
    baseBranch: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "the branch pull requests target (default: the remote's HEAD)" })),
    labels: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 20, description: 'labels of every pull request (a task adds its own)' })),
    push: Type.Optional(Type.Boolean({ description: "push each task's branch (default true)" })),
    pullRequest: Type.Optional(Type.Boolean({ description: 'open a pull request for it (default true when a forge is named or recognised)' })),
  },
  { additionalProperties: false },
);
export type RepositoryPublish = Static<typeof RepositoryPublish>;

/** What delivery to the forge did: the push, the pull request, or why either failed. Tokens never appear here. */
export const Publication = Type.Object({
  push: Type.Optional(
    Type.Object({
      remote: Type.String({ description: 'the remote URL without credentials' }),
      branch: Type.String(),
      commit: Type.String(),
      alreadyPresent: Type.Boolean({ description: 'the remote branch already held this commit (a retried delivery)' }),
    }),
  ),
  pullRequest: Type.Optional(
    Type.Object({
      forge: ForgeKind,
      url: Type.String(),
      number: Type.Integer(),
      draft: Type.Boolean(),
      created: Type.Boolean({ description: 'false when a pull request for the branch already existed' }),
    }),
  ),
  error: Type.Optional(Type.String()),
});
export type Publication = Static<typeof Publication>;

/**
 * Where a task came from when a system started it (issue 16 part 2): a CI failure of a
 * commit. Used to deduplicate, and shown with the task.
 */
export const TaskSource = Type.Object(
  {
    kind: Type.Union([Type.Literal('ci'), Type.Literal('github-workflow-run'), Type.Literal('github-check-run')]),
    repository: Type.String({ maxLength: 4096 }),
    commit: Type.String({ maxLength: 64 }),
    check: Type.String({ maxLength: 500, description: 'the failing job or check' }),
    url: Type.Optional(Type.String({ maxLength: 2000 })),
    logExcerpt: Type.Optional(Type.String({ maxLength: 20000 })),
  },
  { additionalProperties: false },
);
export type TaskSource = Static<typeof TaskSource>;
