// A task's repository, made afresh for each run: a folder copied from beside the suite,
// a git repository cloned at a commit, or a published npm tarball (fetched once with
// `npm pack` into a cache and checked against the integrity the suite names), turned
// into a git repository of its own with one commit the agent starts from.
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitEnvironment, runProcess, scrubbedEnvironment, type CommandLine } from '../../platform/index.js';
import { MinionsError, type EvalSource, type EvalTask } from '../../schemas/index.js';
import { suitePath } from './suite.js';

/** Where sources come from and go: the suite's folder and the tarball cache. */
export interface SourceOptions {
  suiteFolder: string;
  /** npm tarballs, by name and version, kept between runs. */
  cacheDir: string;
  /** What `npm pack` and setup commands start from (the user's environment: they may need the network). */
  environment: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

/** Runs a command and throws a `MinionsError` naming it when it does not exit 0; its stdout. */
export async function mustRun(command: CommandLine, cwd: string, signal: AbortSignal, what: string, env: NodeJS.ProcessEnv = gitEnvironment(scrubbedEnvironment(process.env))): Promise<string> {
  const result = await runProcess(command, { cwd, env, signal, maxOutputCharacters: 4000, maxStreamCharacters: 1_000_000, timeoutMs: 10 * 60 * 1000 });
  if (result.exitCode !== 0) throw new MinionsError('invalid-argument', `${what} failed (exit ${result.exitCode ?? result.signal}): ${result.output.trim()}`);
  return result.stdout;
}

/** The `sha512-<base64>` integrity of a file, as npm writes it. */
export async function fileIntegrity(path: string): Promise<string> {
  return `sha512-${createHash('sha512').update(await readFile(path)).digest('base64')}`;
}

/**
 * The tarball of `name@version` in the cache, fetched with `npm pack` when missing; its
 * bytes must hash to `integrity` (a tarball that does not is refused and not kept).
 */
export async function npmTarball(spec: string, integrity: string, options: Pick<SourceOptions, 'cacheDir' | 'environment' | 'signal'>): Promise<string> {
  const cached = join(options.cacheDir, 'npm', `${spec.replace(/^@/, '').replace(/[/@]/g, '-')}.tgz`);
  if ((await fileIntegrity(cached).catch(() => undefined)) === integrity) return cached;
  const download = join(options.cacheDir, 'npm', `download-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await mkdir(download, { recursive: true });
  try {
    await mustRun({ argv: ['npm', 'pack', spec, '--silent', '--ignore-scripts', '--pack-destination', download] }, download, options.signal, `npm pack ${spec}`, options.environment);
    const [file] = (await readdir(download)).filter((name) => name.endsWith('.tgz'));
    if (file === undefined) throw new MinionsError('invalid-argument', `npm pack ${spec} wrote no tarball.`);
    const actual = await fileIntegrity(join(download, file));
    if (actual !== integrity) throw new MinionsError('invalid-argument', `The tarball of ${spec} does not match the suite's integrity (${integrity.slice(0, 24)}..., got ${actual.slice(0, 24)}...).`);
    await rename(join(download, file), cached);
    return cached;
  } finally {
    await rm(download, { recursive: true, force: true });
  }
}

/** Unpacks an npm tarball's one top folder (`package/`) into `target`. */
export async function unpackTarball(tarball: string, target: string, signal: AbortSignal): Promise<void> {
  await mkdir(target, { recursive: true });
  await mustRun({ argv: ['tar', '-xzf', tarball, '-C', target, '--strip-components=1', '--no-same-owner'] }, target, signal, `unpacking ${tarball}`);
}

/**
 * A bare clone of `url` in the cache holding `commit`: cloned once, fetched again only when
 * the commit is missing, so the runs of a suite (every task, every model) clone it locally.
 */
async function gitMirror(url: string, commit: string, options: Pick<SourceOptions, 'cacheDir' | 'signal'>): Promise<string> {
  const mirror = join(options.cacheDir, 'git', `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.git`);
  const git = (cwd: string, what: string, ...args: string[]): Promise<string> => mustRun({ argv: ['git', ...args] }, cwd, options.signal, what);
  const hasCommit = (): Promise<boolean> => git(mirror, 'git cat-file', 'cat-file', '-e', `${commit}^{commit}`).then(() => true, () => false);
  if (!existsSync(mirror)) {
    // Cloned beside and renamed: a parallel run of the same repository never sees half a clone.
    const partial = `${mirror}.${process.pid}-${Math.random().toString(36).slice(2)}`;
    await mkdir(dirname(mirror), { recursive: true });
    await git(dirname(mirror), `git clone ${url}`, 'clone', '--quiet', '--bare', url, partial);
    await rename(partial, mirror).catch(() => rm(partial, { recursive: true, force: true }));
  }
  if (!(await hasCommit())) await git(mirror, `git fetch ${url}`, 'fetch', '--quiet', url, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*');
  // A commit on no branch (a pull request's): servers that allow it hand it out by its full id.
  if (!(await hasCommit()) && commit.length === 40) await git(mirror, `git fetch ${url} ${commit}`, 'fetch', '--quiet', url, commit);
  return mirror;
}

/** Puts the source's files into `target` (which must not exist yet). */
export async function fetchSource(source: EvalSource, target: string, options: SourceOptions): Promise<void> {
  if ('folder' in source) {
    await cp(suitePath(options.suiteFolder, source.folder, 'repo.folder'), target, { recursive: true, filter: (path) => !/[\\/]\.git$/.test(path) });
    return;
  }
  if ('git' in source) {
    const url = /^[a-z][\w+.-]*:/i.test(source.git) || source.git.startsWith('/') ? source.git : suitePath(options.suiteFolder, source.git, 'repo.git');
    const mirror = await gitMirror(url, source.commit, options);
    await mustRun({ argv: ['git', 'clone', '--quiet', '--no-checkout', mirror, target] }, options.suiteFolder, options.signal, `git clone ${source.git}`);
    await mustRun({ argv: ['git', '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', source.commit] }, target, options.signal, `git checkout ${source.commit}`);
    // The agent starts from one commit of its own: the history would only be more to read.
    await rm(join(target, '.git'), { recursive: true, force: true });
    return;
  }
  await unpackTarball(await npmTarball(source.npm, source.integrity, options), target, options.signal);
}

/**
 * Makes the task's repository in `target`: the source, the setup command (run before the
 * first commit, with network: the suite author's, e.g. installing dependencies, which stay
 * out of the commit), then one commit on `main`. Returns the commit.
 */
export async function prepareTaskRepository(task: EvalTask, target: string, options: SourceOptions): Promise<string> {
  await fetchSource(task.repo, target, options);
  const run = (...args: string[]): Promise<string> => mustRun({ argv: ['git', ...args] }, target, options.signal, `git ${args[0] ?? ''}`);
  await run('init', '--quiet', '--initial-branch=main');
  await writeFile(join(target, '.git', 'info', 'exclude'), 'node_modules/\n.venv/\n');
  if (task.setup !== undefined) await mustRun({ shell: task.setup }, target, options.signal, `task ${task.id}: setup "${task.setup}"`, options.environment);
  await run('add', '--all');
  await run('-c', 'user.name=minions eval', '-c', 'user.email=eval@minions.invalid', 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', `${task.id}: starting point`);
  return (await run('rev-parse', 'HEAD')).trim();
}
