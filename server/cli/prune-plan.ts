// What `minions prune` removes, found without changing anything (the plan `--dry-run`
// prints): task worktrees left behind, `minions/*` branches with no commit of their own
// in the repositories minions knows, and the logs of tasks that ended long ago.
import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { emptyTaskBranches, minionsWorktrees, type EmptyTaskBranch } from '../../agent/index.js';
import { listIndexedRepositories } from '../../indexer/index.js';
import { readRegistry } from '../http/repositories/registry-file.js';

/** Everything prune would remove, and what it left alone and why. */
export interface PrunePlan {
  worktrees: { path: string; repo: string | null }[];
  branches: { repo: string; branch: string }[];
  taskLogs: { id: string; path: string; endedAt: string }[];
  skipped: { what: string; why: string }[];
}

/** What a plan is made from. */
export interface PruneScope {
  dataDir: string;
  /** Task logs of tasks that ended more than this many days ago go. */
  olderThanDays: number;
  /** A worktree nothing wrote to for this long is left behind (a run in progress writes to its worktree). */
  idleWorktreeMs: number;
  /** A server runs on the data directory: its worktrees and task logs are its own. */
  serverRuns: boolean;
  signal: AbortSignal;
}

/** Finds what prune would remove. */
export async function planPrune(scope: PruneScope): Promise<PrunePlan> {
  const plan: PrunePlan = { worktrees: [], branches: [], taskLogs: [], skipped: [] };
  const logs = await readTaskLogs(join(scope.dataDir, 'tasks'));
  const repositories = await knownRepositories(scope.dataDir, logs);
  const worktreesDir = await realpath(join(scope.dataDir, 'worktrees')).catch(() => join(scope.dataDir, 'worktrees'));
  const registered = new Set<string>();
  const branches: (EmptyTaskBranch & { repo: string })[] = [];
  for (const repo of repositories) {
    try {
      for (const entry of await emptyTaskBranches(repo, scope.signal)) branches.push({ ...entry, repo });
      for (const path of await minionsWorktrees(repo, worktreesDir, scope.signal)) {
        registered.add(await realpath(path).catch(() => path));
        plan.worktrees.push({ path, repo });
      }
    } catch (error) {
      plan.skipped.push({ what: repo, why: `not a git repository it can read (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` });
    }
  }
  // Folders under worktrees/ that no known repository lists (its repository is gone).
  for (const name of await readdir(worktreesDir).catch(() => [])) {
    const path = join(worktreesDir, name);
    if (!registered.has(path)) plan.worktrees.push({ path, repo: null });
  }
  if (scope.serverRuns) {
    if (plan.worktrees.length > 0) plan.skipped.push({ what: `${plan.worktrees.length} worktrees`, why: 'a minions server runs on this data directory: its tasks may be working in them (it removes what a crash left when it starts)' });
    plan.worktrees = [];
  } else {
    plan.worktrees = await idle(plan.worktrees, scope.idleWorktreeMs, plan.skipped);
  }
  // A branch checked out in a worktree that stays is in use; one in a worktree that goes, goes with it.
  const removed = new Set(await Promise.all(plan.worktrees.map((worktree) => realpath(worktree.path).catch(() => worktree.path))));
  for (const { repo, branch, worktree } of branches) {
    if (worktree === null || removed.has(await realpath(worktree).catch(() => worktree))) plan.branches.push({ repo, branch });
    else plan.skipped.push({ what: `${branch} in ${repo}`, why: `checked out in ${worktree}: a run may be using it` });
  }
  const limit = Date.now() - scope.olderThanDays * 86_400_000;
  const old = logs.filter((log) => log.endedAt !== undefined && Date.parse(log.endedAt) < limit);
  if (scope.serverRuns && old.length > 0) plan.skipped.push({ what: `${old.length} task logs`, why: 'a minions server runs on this data directory and serves them; stop it first' });
  else plan.taskLogs = old.map((log) => ({ id: log.id, path: log.path, endedAt: log.endedAt ?? '' }));
  return plan;
}

interface TaskLogFacts {
  id: string;
  path: string;
  root: string | undefined;
  endedAt: string | undefined;
}

/** Each task log's repository (from its first event) and when the task ended (its `task-end` event), if it did. */
async function readTaskLogs(folder: string): Promise<TaskLogFacts[]> {
  const facts: TaskLogFacts[] = [];
  for (const name of (await readdir(folder).catch(() => [])).filter((file) => file.endsWith('.ndjson'))) {
    const path = join(folder, name);
    const lines = (await readFile(path, 'utf8').catch(() => '')).split('\n').filter((line) => line !== '');
    const events = lines.map((line) => parseEvent(line)).filter((event) => event !== undefined);
    const root = events[0]?.type === 'task-queue' ? events[0].root : undefined;
    const end = events.find((event) => event.type === 'task-end');
    facts.push({ id: name.slice(0, -'.ndjson'.length), path, root, endedAt: end?.time });
  }
  return facts;
}

function parseEvent(line: string): { type: string; time: string; root: string | undefined } | undefined {
  try {
    const event = JSON.parse(line) as { type?: unknown; time?: unknown; data?: { root?: unknown } };
    if (typeof event.type !== 'string' || typeof event.time !== 'string') return undefined;
    return { type: event.type, time: event.time, root: typeof event.data?.root === 'string' ? event.data.root : undefined };
  } catch {
    return undefined; // a torn line: the store skips it too
  }
}

/** The repositories minions knows on this data directory (registered, indexed, or worked on by a task) that still exist. */
async function knownRepositories(dataDir: string, logs: readonly TaskLogFacts[]): Promise<string[]> {
  const registered = await readRegistry(join(dataDir, 'server', 'repositories.json')).catch(() => []);
  const indexed = await listIndexedRepositories(dataDir);
  const roots = new Set([...registered.map((entry) => entry.root), ...indexed.map((entry) => entry.root), ...logs.flatMap((log) => log.root ?? [])]);
  const present: string[] = [];
  for (const root of [...roots].sort()) if (await stat(root).then((info) => info.isDirectory(), () => false)) present.push(root);
  return present;
}

/** The worktrees nothing wrote to for `idleMs`; the others are noted as in use. */
async function idle(worktrees: PrunePlan['worktrees'], idleMs: number, skipped: PrunePlan['skipped']): Promise<PrunePlan['worktrees']> {
  const kept: PrunePlan['worktrees'] = [];
  for (const worktree of worktrees) {
    const changed = await newestChange(worktree.path, 20_000);
    if (Date.now() - changed >= idleMs) kept.push(worktree);
    else skipped.push({ what: worktree.path, why: `written to ${Math.round((Date.now() - changed) / 60_000)} min ago: a run may still use it` });
  }
  return kept;
}

/** The newest modification time under a folder (symlinks not followed; at most `budget` entries looked at). */
async function newestChange(folder: string, budget: number): Promise<number> {
  let newest = await lstat(folder).then((info) => info.mtimeMs, () => 0);
  const pending = [folder];
  let seen = 0;
  while (pending.length > 0 && seen < budget) {
    const current = pending.pop() ?? folder;
    for (const entry of await readdir(current, { withFileTypes: true }).catch(() => [])) {
      seen++;
      const path = join(current, entry.name);
      newest = Math.max(newest, await lstat(path).then((info) => info.mtimeMs, () => 0));
      if (entry.isDirectory()) pending.push(path);
    }
  }
  return newest;
}
