import { gitEnvironment, runProcess } from '../../../platform/index.js';
import { Value } from '@sinclair/typebox/value';
import { MinionsError, TaskRequest, type Repository, type TaskSource } from '../../../schemas/index.js';
import type { RepositoryRegistry } from '../repositories/registry.js';
import type { TaskDispatcher } from '../tasks/task-dispatch.js';
import type { TaskStore } from '../tasks/task-store.js';
import type { CiFailureReport } from './ci-delivery.js';
import { findByRemote } from './remotes.js';

/** Characters of a CI log kept in the task (its end: where runners print the failure). */
export const maxLogExcerpt = 8000;
const hourMs = 3_600_000;

/** What `CiTasks` needs. */
export interface CiTasksOptions {
  registry: RepositoryRegistry;
  tasks: TaskStore;
  queue: TaskDispatcher;
  /** Tasks the hook may create per repository per hour; 0: no limit. */
  tasksPerHour: number;
}

/** What a submitted failure came to: a new task, or the one created before for the same failure. */
export interface CiSubmission {
  status: 'queued' | 'duplicate';
  id: string;
}

function dedupKey(root: string, commit: string, check: string): string {
  return JSON.stringify([root, commit.toLowerCase(), check]);
}

/** The end of a log, bounded. */
function excerpt(log: string | undefined): string | undefined {
  if (log === undefined || log.trim() === '') return undefined;
  return log.length <= maxLogExcerpt ? log : `[... ${log.length - maxLogExcerpt} characters cut ...]\n${log.slice(-maxLogExcerpt)}`;
}

/** The task's words: what failed, where, and the log excerpt. */
export function ciPrompt(source: TaskSource): string {
  const lines = [
    'Make the failing checks pass.',
    '',
    `CI reported the check "${source.check}" failing on commit ${source.commit}${source.url ? ` (${source.url})` : ''}. Find the cause in the code and fix it so that the check passes. Do not delete, skip or weaken tests to get there.`,
  ];
  if (source.logExcerpt !== undefined) lines.push('', '# CI log excerpt', '```', source.logExcerpt, '```');
  return lines.join('\n');
}

/**
 * Turns CI failures into tasks "make the failing checks pass" at the failing commit,
 * each failure once (by repository, commit and check: the index is rebuilt from the
 * task logs, so it survives a restart) and at most `tasksPerHour` per repository
 * (counted from the tasks' creation times, also in the logs). Submissions run one at a
 * time, so two deliveries of the same failure make one task.
 */
export class CiTasks {
  private readonly known = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CiTasksOptions) {
    for (const task of options.tasks.list().reverse()) {
      const source = task.request.source;
      const root = options.tasks.root(task.id);
      if (source !== undefined && root !== undefined) this.known.set(dedupKey(root, source.commit, source.check), task.id);
    }
  }

  /** Queues a task for a failure, or finds the one queued for it before. */
  submit(report: CiFailureReport, signal: AbortSignal): Promise<CiSubmission> {
    const next = this.chain.then(() => this.create(report, signal));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async create(report: CiFailureReport, signal: AbortSignal): Promise<CiSubmission> {
    const repository = await this.repository(report, signal);
    const commit = await resolveCommit(repository.root, report.commit, signal);
    const key = dedupKey(repository.root, commit, report.check);
    const existing = this.known.get(key);
    if (existing !== undefined && this.options.tasks.get(existing) !== undefined) return { status: 'duplicate', id: existing };
    this.checkRate(repository.root);
    const logExcerpt = excerpt(report.logExcerpt);
    const source: TaskSource = { kind: report.source, repository: report.repositoryName, commit, check: report.check, ...(report.url ? { url: report.url } : {}), ...(logExcerpt ? { logExcerpt } : {}) };
    const request: TaskRequest = { repo: repository.root, prompt: ciPrompt(source), base: commit, source };
    // What the store writes must read back as a valid task after a restart.
    if (!Value.Check(TaskRequest, request)) throw new MinionsError('invalid-argument', `The failure does not make a valid task: ${Value.Errors(TaskRequest, request).First()?.message ?? 'unknown'}.`);
    const task = await this.options.queue.admit(() => this.options.tasks.create(request, repository.root));
    this.known.set(key, task.id);
    return { status: 'queued', id: task.id };
  }

  private async repository(report: CiFailureReport, signal: AbortSignal): Promise<Repository> {
    if (report.local !== undefined) return this.options.registry.resolve(report.local);
    const found = await findByRemote(this.options.registry.list(), report.remote, signal);
    if (found) return found;
    throw new MinionsError('not-found', `No registered repository has ${report.repositoryName} as a remote; register a clone of it with POST /v1/repositories.`);
  }

  /** `rate-limited` when the repository's hook tasks of the last hour reached the limit. */
  private checkRate(root: string): void {
    const limit = this.options.tasksPerHour;
    if (limit <= 0) return;
    const now = Date.now();
    const recent = this.options.tasks
      .list({ root })
      .filter((task) => task.request.source !== undefined && now - Date.parse(task.createdAt) < hourMs)
      .map((task) => Date.parse(task.createdAt))
      .sort((a, b) => a - b);
    if (recent.length < limit) return;
    const freed = (recent[recent.length - limit] ?? now) + hourMs;
    const retryAfterSeconds = Math.max(1, Math.ceil((freed - now) / 1000));
    throw new MinionsError('rate-limited', `The CI hook created ${recent.length} tasks for ${root} in the last hour (the limit is ${limit}, MINIONS_HOOK_TASKS_PER_HOUR); retry in ${retryAfterSeconds} s.`, {
      details: { retryAfterSeconds },
    });
  }
}

/** The full id of a commit of the repository, or `not-found` when the repository does not have it. */
async function resolveCommit(root: string, commit: string, signal: AbortSignal): Promise<string> {
  const result = await runProcess(
    { argv: ['git', 'rev-parse', '--verify', '--quiet', `${commit}^{commit}`] },
    { cwd: root, env: gitEnvironment(process.env), signal, timeoutMs: 10_000, maxOutputCharacters: 1000, maxStreamCharacters: 1000 },
  );
  const full = result.stdout.trim();
  if (result.exitCode === 0 && /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(full)) return full;
  throw new MinionsError('not-found', `Commit ${commit} is not in the repository at ${root}: fetch it (git fetch) and deliver the failure again.`);
}
