// Pushing a task's branch with plain git: the remote resolved to a URL (a remote of the
// repository, a URL or a path), credentials only through the environment, never forced.
// The push is as hardened as every other git call of minions (no hooks, no monitor).
import { isAbsolute, resolve } from 'node:path';
import { runProcess } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import type { GitConfigEntries } from '../forge.js';
import { git, readConfig } from './git.js';
import { configOverrides, hardenedEnvironment } from './git-guard.js';

/** A push target: the URL git pushes to, and the same without credentials for events and messages. */
export interface RemoteTarget {
  url: string;
  display: string;
}

/** True when `remote` is a URL or scp-like address (`git@host:path`) rather than a remote name or a path. */
function isAddress(remote: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(remote) || /^[^/:]+:(?!\/\/)/.test(remote);
}

/** The URL without a password or token in its user part (`https://user:secret@host` -> `https://user@host`). */
export function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/@]*)@/i, (_match, scheme: string, user: string) => (user.includes(':') ? `${scheme}${user.slice(0, user.indexOf(':'))}@` : `${scheme}${user}@`));
}

/**
 * Where `remote` points: a URL or an scp-like address as given, a path resolved against the
 * repository, or the push URL of a remote of the repository (`remote.<name>.pushurl`, else
 * `remote.<name>.url`), read from its configuration without any connection.
 */
export async function resolveRemote(root: string, remote: string, signal: AbortSignal): Promise<RemoteTarget> {
  if (isAddress(remote)) return { url: remote, display: withoutCredentials(remote) };
  if (isAbsolute(remote) || remote.startsWith('.')) {
    const path = resolve(root, remote);
    return { url: path, display: path };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(remote)) throw new MinionsError('invalid-argument', `"${remote}" is neither a remote of the repository, a URL nor a path.`);
  for (const key of [`remote.${remote}.pushurl`, `remote.${remote}.url`]) {
    const url = await git(root, ['config', '--get', key], signal).then((text) => text.trim()).catch(() => '');
    if (url !== '') return isAddress(url) || isAbsolute(url) ? { url, display: withoutCredentials(url) } : { url: resolve(root, url), display: resolve(root, url) };
  }
  throw new MinionsError('invalid-argument', `The repository ${root} has no remote named "${remote}" (git remote add ${remote} <url>), and it is no URL or path.`);
}

/** The environment of a git call that talks to a remote: hardened, plus the access entries (credentials) after the overrides. */
async function remoteEnvironment(root: string, access: GitConfigEntries, signal: AbortSignal): Promise<NodeJS.ProcessEnv> {
  const overrides = configOverrides(await readConfig(root, signal));
  return hardenedEnvironment(process.env, [...overrides, ...access.map(([key, value]): [string, string] => [key, value])]);
}

/** Git's complaint, short, with any credential value and URL password taken out; a refused login in plain words. */
function gitComplaint(stderr: string, access: GitConfigEntries, target: RemoteTarget): string {
  if (/could not read (Username|Password)|Authentication failed|\b401\b/i.test(stderr)) {
    return access.length === 0
      ? 'the remote asks for credentials, and no token is configured for its host (the forge tokens of the configuration)'
      : 'the remote refused the configured token (HTTP 401); check the token of its host';
  }
  let text = stderr.trim().split('\n').filter((line) => line.trim() !== '').slice(-3).join(' ');
  for (const [, value] of access) if (value.length >= 4) text = text.split(value).join('***');
  if (target.url !== target.display) text = text.split(target.url).join(target.display);
  return withoutCredentials(text) || 'no message';
}

/** Runs git against a remote; a failure throws with git's short complaint, naming what was attempted. */
async function remoteGit(root: string, args: readonly string[], target: RemoteTarget, access: GitConfigEntries, what: string, signal: AbortSignal): Promise<{ stdout: string; exitCode: number | null; stderr: string }> {
  const env = await remoteEnvironment(root, access, signal);
  const result = await runProcess({ argv: ['git', '--no-pager', ...args] }, { cwd: root, env, signal, maxOutputCharacters: 8192, maxStreamCharacters: 1024 * 1024 });
  if (signal.aborted) throw signal.reason;
  return { stdout: result.stdout, exitCode: result.exitCode, stderr: result.exitCode === 0 ? '' : `${what} at ${target.display} failed: ${gitComplaint(result.stderr, access, target)}` };
}

/** The branch the remote's HEAD names (`git ls-remote --symref`), or undefined when it names none. */
export async function remoteDefaultBranch(root: string, target: RemoteTarget, access: GitConfigEntries, signal: AbortSignal): Promise<string | undefined> {
  const result = await remoteGit(root, ['ls-remote', '--symref', target.url, 'HEAD'], target, access, 'reading the default branch', signal);
  if (result.exitCode !== 0) throw new MinionsError('internal', result.stderr);
  return /^ref: refs\/heads\/(\S+)\tHEAD$/m.exec(result.stdout)?.[1];
}

/** The commit the remote's branch points at, or undefined when it has no such branch. */
async function remoteTip(root: string, target: RemoteTarget, branch: string, access: GitConfigEntries, signal: AbortSignal): Promise<string | undefined> {
  const result = await remoteGit(root, ['ls-remote', target.url, `refs/heads/${branch}`], target, access, 'reading the remote branch', signal);
  if (result.exitCode !== 0) return undefined;
  return /^([0-9a-f]{40,64})\t/m.exec(result.stdout)?.[1];
}

/** Whether `ancestor` is `descendant` or one of its ancestors, in the local repository (false when either is unknown here). */
async function contains(root: string, descendant: string, ancestor: string, signal: AbortSignal): Promise<boolean> {
  return git(root, ['merge-base', '--is-ancestor', ancestor, descendant], signal).then(() => true, () => false);
}

/**
 * Pushes `commit` to `refs/heads/<branch>` on the target, never forced. A remote branch
 * already at the commit (or at a descendant known here) is `alreadyPresent`, as when a
 * delivery is retried; a remote branch that moved elsewhere is an error naming it.
 */
export async function pushBranch(root: string, target: RemoteTarget, branch: string, commit: string, access: GitConfigEntries, signal: AbortSignal): Promise<{ alreadyPresent: boolean }> {
  const refspec = `${commit}:refs/heads/${branch}`;
  const result = await remoteGit(root, ['push', '--porcelain', '--no-verify', target.url, refspec], target, access, `git push of ${branch}`, signal);
  const line = result.stdout.split('\n').find((entry) => entry.includes(`:refs/heads/${branch}\t`));
  const flag = line?.charAt(0);
  if (result.exitCode === 0 && flag !== undefined && flag !== '!') return { alreadyPresent: flag === '=' };
  if (flag === '!') {
    const tip = await remoteTip(root, target, branch, access, signal);
    if (tip !== undefined && (tip === commit || (await contains(root, tip, commit, signal)))) return { alreadyPresent: true };
    const reason = line?.split('\t')[2] ?? 'rejected';
    throw new MinionsError('conflict', `The branch ${branch} on ${target.display} moved to ${tip === undefined ? 'another commit' : tip.slice(0, 12)}, which does not hold ${commit.slice(0, 12)} (${reason}); it was not overwritten. Delete or rename the remote branch, or push by hand.`);
  }
  throw new MinionsError('internal', result.stderr || `git push of ${branch} to ${target.display} reported nothing for the branch`);
}
