// The agent's Publisher as the server wires it: each repository's publish settings from
// the registry, tokens from configuration, privacy mode's allow-list, and one forge client
// per kind. The CLI and a queue worker wire it the same way (`createForgePublisher`).
import type { ForgeClient, GitConfigEntries, Publisher } from '../../agent/index.js';
import type { HostPolicy } from '../../platform/index.js';
import { MinionsError, type PublishRequest, type RepositoryPublish } from '../../schemas/index.js';
import { readRegistry } from '../http/repositories/registry-file.js';
import { tokenFor, type ForgeTokens } from './forge-tokens.js';
import { createGiteaClient } from './gitea.js';
import { createGitHubClient } from './github.js';
import { createGitLabClient } from './gitlab.js';
import { checkForgeHost, forgeLocation, parseRemote } from './remote-address.js';

/** What the publisher is built from. */
export interface ForgePublisherOptions {
  /** The publish settings a repository was registered with, by its root; undefined: none. */
  lookup(repoRoot: string, signal: AbortSignal): Promise<RepositoryPublish | undefined>;
  tokens: ForgeTokens;
  /** Privacy mode and the hosts it allows besides loopback. */
  policy: HostPolicy;
  /** The fetch of the GitHub and Gitea clients (GitLab's client uses the global one). */
  fetch?: typeof fetch;
}

/** The repository's settings under a task's request: the task decides push and pull request, and adds labels. */
export function mergePublishSettings(configured: RepositoryPublish, request: PublishRequest | undefined): RepositoryPublish {
  if (request === undefined) return configured;
  const labels = [...new Set([...(configured.labels ?? []), ...(request.labels ?? [])])];
  return {
    ...configured,
    ...(request.push === undefined ? {} : { push: request.push }),
    ...(request.pullRequest === undefined ? {} : { pullRequest: request.pullRequest }),
    ...(labels.length > 0 ? { labels } : {}),
  };
}

/** Git's `http.<url>.extraHeader` for a token: basic authentication, which GitHub, GitLab and Gitea accept for a token as password. */
function authorizationHeader(origin: string, token: string): [string, string] {
  return [`http.${origin}/.extraHeader`, `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`];
}

/** The Publisher of the agent, over the given settings, tokens and privacy policy. */
export function createForgePublisher(options: ForgePublisherOptions): Publisher {
  return {
    async settings(repoRoot, request, signal) {
      const configured = await options.lookup(repoRoot, signal);
      return configured === undefined ? undefined : mergePublishSettings(configured, request);
    },
    pushAccess(remoteUrl): GitConfigEntries {
      const address = parseRemote(remoteUrl);
      if (address === undefined) return [];
      checkForgeHost(address, 'the push remote', options.policy);
      if (address.scheme !== 'http' && address.scheme !== 'https') return [];
      const token = tokenFor(options.tokens, address.host, address.port);
      // Scoped to the remote's origin: git sends it nowhere else, not even on a redirect to another host.
      return token === undefined ? [] : [authorizationHeader(new URL(remoteUrl).origin, token)];
    },
    forge(settings, remoteUrl): ForgeClient | undefined {
      const address = parseRemote(remoteUrl);
      const location = forgeLocation(settings, address);
      if (location === undefined) {
        if (settings.pullRequest !== true) return undefined;
        throw new MinionsError('invalid-argument', 'A pull request was asked for, but the forge is not known: set publish.forge (github, gitlab or gitea) and, for a local or unusual remote, publish.apiUrl and publish.repository.');
      }
      const api = new URL(location.apiUrl);
      const port = api.port || (api.protocol === 'https:' ? '443' : '80');
      checkForgeHost({ host: api.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port }, 'the forge API', options.policy);
      const token = tokenFor(options.tokens, api.hostname, port) ?? (address === undefined ? undefined : tokenFor(options.tokens, address.host, address.port));
      const context = { location, token };
      const fetcher = options.fetch === undefined ? {} : { fetch: options.fetch };
      if (location.kind === 'github') return createGitHubClient(context, fetcher);
      if (location.kind === 'gitlab') return createGitLabClient(context);
      return createGiteaClient(context, fetcher);
    },
  };
}

/**
 * The publish settings of the repositories the server registered (its registry file),
 * read at each task: a change made through the API applies to the next task.
 */
export function registryPublishLookup(registryFile: string): ForgePublisherOptions['lookup'] {
  return async (repoRoot) => {
    const repositories = await readRegistry(registryFile);
    return repositories.find((repository) => repository.root === repoRoot)?.publish;
  };
}
