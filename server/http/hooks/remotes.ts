import { gitEnvironment, runProcess } from '../../../platform/index.js';
import type { Repository } from '../../../schemas/index.js';
import { parseRemote } from '../../forge/remote-address.js';

/**
 * A git remote URL reduced to `host/path` in lower case, without credentials, port,
 * scheme or `.git`, so that `https://github.com/Owner/Name.git`,
 * `git@github.com:owner/name` and `ssh://git@github.com:22/owner/name` compare equal.
 * A local path keeps an empty host. Undefined for what is not a URL or a path. Remote URLs
 * are read by the forge's `parseRemote`, so the hook and publishing agree on what a remote is.
 */
export function normalizeRemote(url: string): string | undefined {
  const text = url.trim();
  let address: ReturnType<typeof parseRemote>;
  try {
    address = parseRemote(text);
  } catch {
    return undefined;
  }
  let host = '';
  let path: string;
  if (address !== undefined) ({ host, path } = address);
  else if (text.startsWith('/')) path = text;
  else if (/^file:\/\//i.test(text)) path = decodeURIComponent(new URL(text).pathname);
  else return undefined;
  path = path.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/^\/+/, '');
  if (path === '') return undefined;
  return `${host.toLowerCase()}/${path.toLowerCase()}`;
}

/** What a delivery says of its repository: remote URLs, and GitHub's `owner/name`. */
export interface RemoteReference {
  urls: readonly string[];
  fullName?: string | undefined;
}

/** The fetch URLs of a repository's remotes (none when it has no remote or git cannot read it). */
export async function readRemotes(root: string, signal: AbortSignal): Promise<string[]> {
  const result = await runProcess(
    { argv: ['git', 'config', '--get-regexp', '^remote\\..*\\.url$'] },
    { cwd: root, env: gitEnvironment(process.env), signal, timeoutMs: 10_000, maxOutputCharacters: 100_000, maxStreamCharacters: 100_000 },
  );
  if (result.exitCode !== 0) return [];
  return result.stdout
    .split('\n')
    .map((line) => line.slice(line.indexOf(' ') + 1).trim())
    .filter((url) => url !== '');
}

/** Whether a remote is the referenced repository: the same normalized URL, or a path equal to GitHub's `owner/name`. */
function matches(remote: string, reference: RemoteReference): boolean {
  const normalized = normalizeRemote(remote);
  if (normalized === undefined) return false;
  if (reference.urls.some((url) => normalizeRemote(url) === normalized)) return true;
  const fullName = reference.fullName?.toLowerCase();
  return fullName !== undefined && normalized.slice(normalized.indexOf('/') + 1) === fullName;
}

/**
 * The first registered repository (in registration order) one of whose remotes is the
 * referenced repository; undefined when none is.
 */
export async function findByRemote(repositories: readonly Repository[], reference: RemoteReference, signal: AbortSignal): Promise<Repository | undefined> {
  for (const repository of repositories) {
    const remotes = await readRemotes(repository.root, signal).catch(() => []);
    if (remotes.some((remote) => matches(remote, reference))) return repository;
  }
  return undefined;
}
