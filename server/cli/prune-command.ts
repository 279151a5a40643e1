// `minions prune`: removes what runs leave behind (see prune-plan.ts), or with `--dry-run`
// only says what it would remove. Branches are deleted only when git agrees (not while a
// worktree has them checked out); a branch with a commit of its own is never touched.
import { rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { deleteTaskBranch, removeWorktree } from '../../agent/index.js';
import { MinionsError } from '../../schemas/index.js';
import { loadConfig } from '../config.js';
import { readRunningServer } from '../server-file.js';
import type { CommandIo } from './io.js';
import { terminalSafe, write } from './output.js';
import { planPrune, type PrunePlan } from './prune-plan.js';
import { pruneUsage } from './usage.js';

/** Task logs older than this many days go unless `--older-than` says otherwise. */
const defaultOlderThanDays = 30;
/** A worktree nothing wrote to for an hour is taken as left behind by a run that died. */
const idleWorktreeMs = 60 * 60_000;

/** `minions prune [--dry-run] [--older-than DAYS] [--json]`. */
export async function pruneCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { 'dry-run': { type: 'boolean', default: false }, 'older-than': { type: 'string' }, json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } },
  });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${pruneUsage}`);
  const olderThanDays = values['older-than'] === undefined ? defaultOlderThanDays : Number(values['older-than']);
  if (!Number.isFinite(olderThanDays) || olderThanDays < 0) throw new MinionsError('invalid-argument', `--older-than takes a number of days (0 or more), not "${values['older-than'] ?? ''}".`);
  const { dataDir } = loadConfig(io.env, { dataDir: values['data-dir'] }, io.cwd);
  const serverRuns = (await readRunningServer(dataDir)) !== undefined;
  const plan = await planPrune({ dataDir, olderThanDays, idleWorktreeMs, serverRuns, signal: io.signal });
  const dryRun = values['dry-run'];
  if (!dryRun) await applyPlan(plan, io.signal);
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ dryRun, ...plan }, null, 2)}\n`);
    return 0;
  }
  await write(io.stdout, terminalSafe(describePlan(plan, dryRun)));
  return 0;
}

/** Removes what the plan found; a branch git refuses to delete (checked out by a run) moves to `skipped`. */
async function applyPlan(plan: PrunePlan, signal: AbortSignal): Promise<void> {
  for (const worktree of plan.worktrees) {
    signal.throwIfAborted();
    if (worktree.repo !== null) await removeWorktree(worktree.repo, worktree.path).catch(() => undefined);
    // Whatever git left (or a folder no repository lists) goes too.
    await rm(worktree.path, { recursive: true, force: true });
  }
  const deleted: PrunePlan['branches'] = [];
  for (const entry of plan.branches) {
    signal.throwIfAborted();
    if (await deleteTaskBranch(entry.repo, entry.branch, signal)) deleted.push(entry);
    else plan.skipped.push({ what: `${entry.branch} in ${entry.repo}`, why: 'checked out in a worktree: a run may be using it' });
  }
  plan.branches = deleted;
  for (const log of plan.taskLogs) await rm(log.path, { force: true });
}

function describePlan(plan: PrunePlan, dryRun: boolean): string {
  const verb = (doing: string, done: string): string => (dryRun ? `would ${doing}` : done);
  const lines = [
    ...plan.worktrees.map((worktree) => `${verb('remove', 'removed')} worktree ${worktree.path}${worktree.repo === null ? ' (its repository is gone)' : ` of ${worktree.repo}`}`),
    ...plan.branches.map((entry) => `${verb('delete', 'deleted')} branch ${entry.branch} in ${entry.repo} (no commit of its own)`),
    ...plan.taskLogs.map((log) => `${verb('remove', 'removed')} the log of task ${log.id} (ended ${log.endedAt})`),
    ...plan.skipped.map((entry) => `left ${entry.what}: ${entry.why}`),
  ];
  const counts = `${plan.worktrees.length} worktrees, ${plan.branches.length} branches, ${plan.taskLogs.length} task logs`;
  lines.push(dryRun ? `Dry run: would remove ${counts}. Run without --dry-run to remove them.` : `Removed ${counts}.`);
  return `${lines.join('\n')}\n`;
}
