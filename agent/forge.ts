// Delivery to the forge as the agent sees it: what a repository publishes to, the git
// configuration that carries a push's credentials, and a forge client that opens pull
// requests. The server implements it (server/forge/) and hands it to the runner, as it
// does code search: the agent never reads tokens from the environment itself.
import type { ForgeKind, PublishRequest, RepositoryPublish } from '../schemas/index.js';

/** One pull request on a forge. */
export interface PullRequestInfo {
  url: string;
  number: number;
  draft: boolean;
}

/** What the publish node asks a forge to open. */
export interface PullRequestDraft {
  /** The pushed branch (GitHub's `head`, GitLab's source branch). */
  head: string;
  /** The branch it targets. */
  base: string;
  title: string;
  body: string;
  draft: boolean;
  labels: readonly string[];
}

/** The two calls the publish node makes on a forge. */
export interface ForgeClient {
  readonly kind: ForgeKind;
  /**
   * Opens a pull request. One that already exists for the same head branch is a
   * `MinionsError` with code `conflict` (GitHub's 422 "already exists", 409 on GitLab and
   * Gitea); any other refusal is a `MinionsError` naming the forge's answer, never the token.
   */
  open(draft: PullRequestDraft, signal: AbortSignal): Promise<PullRequestInfo>;
  /** The open pull request whose head is `head`, if any. */
  findByBranch(head: string, signal: AbortSignal): Promise<PullRequestInfo | undefined>;
}

/** Git settings for one call, as `GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` pairs (they never reach argv or a log). */
export type GitConfigEntries = readonly (readonly [string, string])[];

/**
 * Delivery to the forge, wired in by the server. Every method that could connect checks
 * privacy mode's allow-list first and throws a `MinionsError` (`invalid-argument`) naming the host
 * before any connection.
 */
export interface Publisher {
  /**
   * The repository's publishing configuration under the task's request (which overrides
   * push, pull request and adds labels), or undefined when the repository has none.
   */
  settings(repoRoot: string, request: PublishRequest | undefined, signal: AbortSignal): Promise<RepositoryPublish | undefined>;
  /** Git configuration for a push to (or `ls-remote` of) `remoteUrl`: its credentials, if the configuration has a token for its host. */
  pushAccess(remoteUrl: string): GitConfigEntries;
  /**
   * The forge client for the repository's pull requests; `remoteUrl` is the resolved push
   * URL (the forge, API and repository are read from it where not configured). Undefined
   * when no pull request is asked for explicitly and the forge is neither named nor
   * recognised; throws when one is asked for and cannot be opened (no forge, no token).
   */
  forge(settings: RepositoryPublish, remoteUrl: string): ForgeClient | undefined;
}
