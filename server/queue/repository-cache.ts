// A worker without the server's repositories on its disk (`minions worker --clone
// SERVER_PATH=GIT_URL`): each repository is cloned once into the worker's cache, brought to
// the remote's HEAD (and the task's branch, when an earlier attempt pushed it) before each
// task, and the task's branch is pushed back to the remote with plain git afterwards.
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { runProcess } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';

/** A repository the server has at `serverRoot` (or under it) whose remote is `url`. */
export interface CloneSource {
  serverRoot: string;
  url: string;
}

/** `SERVER_PATH=GIT_URL` pairs of `--clone`. */
export function parseClones(pairs: readonly string[]): CloneSource[] {
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new MinionsError('invalid-argument', `--clone takes SERVER_PATH=GIT_URL, not "${pair}".`);
    return { serverRoot: resolve(pair.slice(0, at)), url: pair.slice(at + 1) };
  });
}

async function runGit(cwd: string, args: readonly string[], signal: AbortSignal): Promise<string> {
  // No prompt for credentials: a worker has no terminal; the remote's access is configured (ssh keys, a credential helper).
  const result = await runProcess({ argv: ['git', ...args] }, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, signal, maxOutputCharacters: 4096, maxStreamCharacters: 1024 * 1024 });
  if (result.exitCode !== 0) throw new MinionsError('internal', `git ${args.slice(0, 2).join(' ')} failed: ${result.output.trim().split('\n').slice(-3).join(' ')}`);
  return result.stdout;
}

/** The worker's clones: one per remote under `folder`, git calls on each one at a time. */
export class RepositoryCache {
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(
    private readonly folder: string,
    private readonly sources: readonly CloneSource[],
  ) {}

  /** The clone's path for the server's repository path, or undefined when no `--clone` names it (the path is used as is). */
  clonePath(serverRoot: string): string | undefined {
    const source = this.source(serverRoot);
    return source && join(this.folder, createHash('sha256').update(source.url).digest('hex').slice(0, 16));
  }

  /**
   * Clones (once) or fetches the repository, detached at the remote's HEAD, and fetches the
   * task's branch when the remote has it (an earlier attempt's push). Returns the clone's path.
   */
  async prepare(serverRoot: string, branch: string, signal: AbortSignal): Promise<string | undefined> {
    const source = this.source(serverRoot);
    const path = this.clonePath(serverRoot);
    if (source === undefined || path === undefined) return undefined;
    await this.inTurn(path, async () => {
      if (!(await stat(join(path, '.git')).then(() => true, () => false))) {
        await mkdir(this.folder, { recursive: true });
        await runGit(this.folder, ['clone', '--quiet', '--no-checkout', source.url, path], signal);
      }
      await runGit(path, ['fetch', '--quiet', 'origin', 'HEAD'], signal);
      await runGit(path, ['checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD'], signal);
      // Absent on the remote unless an earlier attempt pushed it; then the agent sees that attempt's commit.
      await runGit(path, ['fetch', '--quiet', 'origin', `+refs/heads/${branch}:refs/heads/${branch}`], signal).catch(() => undefined);
    });
    return path;
  }

  /** Pushes the task's branch to the remote (forced: the branch is the task's, and a retry may have replaced a lost attempt's commit). */
  async push(clone: string, branch: string, signal: AbortSignal): Promise<void> {
    await this.inTurn(clone, () => runGit(clone, ['push', '--quiet', '--force', 'origin', `refs/heads/${branch}:refs/heads/${branch}`], signal));
  }

  /** The server's repository path of a clone path, or undefined for a path that is no clone. */
  serverRoot(clone: string): string | undefined {
    return this.sources.find((source) => this.clonePath(source.serverRoot) === clone)?.serverRoot;
  }

  private source(serverRoot: string): CloneSource | undefined {
    return this.sources.find((source) => source.serverRoot === serverRoot);
  }

  /** Runs git work on one clone after the work already queued on it (fetches and checkouts would race). */
  private inTurn<T>(path: string, work: () => Promise<T>): Promise<T> {
    const previous = this.turns.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.turns.set(path, next);
    return next;
  }
}
