// baseline: the repository's lint and test checks on the base commit, before the model
// edits, so that the checks node judges the change by what it changed. Cached per
// (commit, check commands); the worktree is put back exactly at the base afterwards.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { baselineCacheFile, baselineCommands, readCachedBaseline, runBaseline, writeCachedBaseline } from '../checks/baseline.js';
import type { BaselineCheck } from '../checks/judge.js';
import { restoreWorktree } from '../workspace/change-set.js';
import { requireGit, requireWorktree } from './context.js';

/** The outcome labels of baseline: `measured` (ran now), `cached` (an earlier task's), `no-checks` (no lint or tests). */
export const baselineOutcomes = ['measured', 'cached', 'no-checks'] as const;

/** Runs (or reads from the cache) the checks on the base commit. */
export async function measureBaseline({ state, services, signal }: NodeContext): Promise<NodeOutcome<(typeof baselineOutcomes)[number]>> {
  const worktree = requireWorktree(state.worktree);
  const plan = state.checkPlan;
  if (plan === undefined || baselineCommands(plan).length === 0) return { status: 'skipped', label: 'no-checks', note: 'no lint or test checks to run on the base' };
  const started = performance.now();
  const file = services.baselinesDir === undefined ? undefined : baselineCacheFile(services.baselinesDir, state.baseCommit, plan);
  const cached = file === undefined ? undefined : await readCachedBaseline(file);
  let checks: BaselineCheck[];
  if (cached !== undefined) checks = cached;
  else {
    const location = requireGit(state.git);
    try {
      checks = await runBaseline(plan, { worktree, env: services.env, ...(services.commandLauncher ? { launcher: services.commandLauncher } : {}), linked: state.linked, timeoutMs: services.limits.checkTimeoutMs, maxOutputCharacters: services.limits.maxOutputCharacters, signal, emit: services.emit });
    } finally {
      // Whatever the commands left (caches, build output, a rewritten file) goes: the model starts at the base.
      await restoreWorktree(location, state.linked, signal);
    }
    // A baseline cut short by a time limit says nothing about the base: it is used, never cached.
    if (file !== undefined && checks.every((check) => check.exitCode !== null)) await writeCachedBaseline(file, state.baseCommit, checks);
  }
  state.baseline = checks;
  services.emit('checks-baseline', {
    commit: state.baseCommit,
    cached: cached !== undefined,
    durationMs: Math.round(performance.now() - started),
    results: checks.map((check) => ({ kind: check.kind, command: check.command, exitCode: check.exitCode, status: check.status, failing: Object.keys(check.failing ?? {}) })),
  });
  const failing = checks.filter((check) => check.status !== 'passed').map((check) => `${check.command} ${check.status}`);
  const note = `${cached !== undefined ? 'cached' : 'ran'}: ${failing.length === 0 ? 'all passed at the base' : failing.join(', ')}`;
  return cached !== undefined ? { status: 'ok', label: 'cached', note } : { status: 'ok', label: 'measured', note };
}
