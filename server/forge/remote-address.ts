// Where a push remote and a forge API live: the host of a git URL (also scp-like
// `git@host:owner/repo.git`), the forge read from it, and privacy mode's verdict on it.
import { isLoopbackHost, type HostPolicy } from '../../platform/index.js';
import { MinionsError, type ForgeKind, type RepositoryPublish } from '../../schemas/index.js';

/** A remote on another host: its scheme, host (lower case, no brackets), port and repository path. */
export interface RemoteAddress {
  scheme: string;
  host: string;
  port: string;
  /** The path without leading slash and `.git` suffix: `owner/repo`, `group/sub/project`. */
  path: string;
}

/** The address of a git remote URL; undefined for a local path or `file://` URL. */
export function parseRemote(url: string): RemoteAddress | undefined {
  const scp = /^(?:[^@/:]+@)?([^/:]+|\[[^\]]+\]):(?!\/\/)(.*)$/.exec(url);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    if (scp === null || url.startsWith('/') || url.startsWith('.')) return undefined;
    return { scheme: 'ssh', host: (scp[1] ?? '').replace(/^\[|\]$/g, '').toLowerCase(), port: '22', path: repositoryPath(scp[2] ?? '') };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MinionsError('invalid-argument', 'The publish remote is not a valid URL.');
  }
  const scheme = parsed.protocol.replace(/:$/, '').toLowerCase();
  if (scheme === 'file') return undefined;
  const port = parsed.port || ({ https: '443', http: '80', ssh: '22', git: '9418' } as Record<string, string>)[scheme] || '';
  return { scheme, host: parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port, path: repositoryPath(decodeURIComponent(parsed.pathname)) };
}

function repositoryPath(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
}

/**
 * In privacy mode a forge's API host and a push remote's host must be loopback or on
 * MINIONS_ALLOWED_HOSTS (`host` or `host:port`); anything else is refused before any
 * connection, naming the host and the fixes. `what` says which: `the push remote`.
 */
export function checkForgeHost(address: { host: string; port: string }, what: string, policy: HostPolicy): void {
  if (!policy.privacy) return;
  const { host, port } = address;
  if (isLoopbackHost(host) || policy.allowedHosts.includes(host) || policy.allowedHosts.includes(`${host}:${port}`)) return;
  throw new MinionsError(
    'invalid-argument',
    `Privacy mode: ${what} ${host} is not on this machine, so nothing was published. List the host in MINIONS_ALLOWED_HOSTS (e.g. MINIONS_ALLOWED_HOSTS=${host}) or turn privacy mode off with --no-privacy (or MINIONS_PRIVACY=0).`,
  );
}

/**
 * Refuses publish settings that carry credentials (`https://user:token@host`): tokens come
 * from the configuration only, never from a request, and would end up in the registry file.
 */
export function checkPublishSettings(settings: RepositoryPublish): void {
  for (const [field, value] of [['remote', settings.remote], ['apiUrl', settings.apiUrl]] as const) {
    if (value !== undefined && /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(value)) {
      throw new MinionsError('invalid-argument', `publish.${field} holds credentials; configure the token with MINIONS_FORGE_TOKENS instead.`);
    }
  }
  if (settings.apiUrl !== undefined && !URL.canParse(settings.apiUrl)) throw new MinionsError('invalid-argument', 'publish.apiUrl is not a valid URL.');
}

/** A forge as the clients need it: its kind, API base URL and repository (owner/name or project path). */
export interface ForgeLocation {
  kind: ForgeKind;
  apiUrl: string;
  repository: string;
}

/** The forge hosts recognised without configuration. */
const knownForges: Readonly<Record<string, ForgeKind>> = { 'github.com': 'github', 'gitlab.com': 'gitlab' };

/** The default API of a forge on a host: GitHub's own, GitHub Enterprise's `/api/v3`, GitLab's root (the client adds `/api/v4`), Gitea's `/api/v1`. */
function defaultApi(kind: ForgeKind, address: RemoteAddress): string {
  if (kind === 'github' && address.host === 'github.com') return 'https://api.github.com';
  // An http(s) remote tells the scheme and port of its web server; ssh and git remotes do not.
  const web = address.scheme === 'http' || address.scheme === 'https' ? `${address.scheme}://${address.host.includes(':') ? `[${address.host}]` : address.host}${isDefaultPort(address) ? '' : `:${address.port}`}` : `https://${address.host}`;
  return kind === 'github' ? `${web}/api/v3` : kind === 'gitlab' ? web : `${web}/api/v1`;
}

function isDefaultPort(address: RemoteAddress): boolean {
  return (address.scheme === 'https' && address.port === '443') || (address.scheme === 'http' && address.port === '80');
}

/**
 * The forge of a repository's publish settings, each part configured or read from the
 * remote's address; undefined when the kind is neither configured nor recognised, or
 * the API or repository cannot be told.
 */
export function forgeLocation(settings: RepositoryPublish, remote: RemoteAddress | undefined): ForgeLocation | undefined {
  const kind = settings.forge ?? (remote === undefined ? undefined : knownForges[remote.host]);
  if (kind === undefined) return undefined;
  const apiUrl = settings.apiUrl ?? (remote === undefined ? undefined : defaultApi(kind, remote));
  const repository = settings.repository ?? remote?.path;
  if (apiUrl === undefined || repository === undefined || repository === '') return undefined;
  return { kind, apiUrl: apiUrl.replace(/\/+$/, ''), repository };
}
