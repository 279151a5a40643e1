// Judging a check by what the change changed: the same checks ran on the base commit
// (baseline.ts), so a failure that was already there is named as such and does not
// block, a missing tool is "unavailable", and only new failures send the model back.
import type { CheckKind, CheckStatus } from '../../schemas/index.js';
import { failingTests, outputLines } from './failing-tests.js';

/** One check as it ran on the base commit, reduced to what judging needs (this is what the cache stores). */
export interface BaselineCheck {
  kind: CheckKind;
  command: string;
  exitCode: number | null;
  status: Exclude<CheckStatus, 'failed-before'>;
  /** Failing tests by identifier with their signatures; null when none could be named in a failed run. */
  failing: Record<string, string> | null;
  /** The output's distinct lines, numbers masked, for checks whose failures cannot be named. */
  lines: string[];
}

/** A check's verdict and, for tests, which failures are new, which were there before, which are gone. */
export interface Judgement {
  status: CheckStatus;
  newFailures?: string[];
  preexisting?: string[];
  nowPassing?: string[];
}

/** A shell's own words for a program that is not there (`sh: 1: ruff: not found`, `bash: ruff: command not found`). */
const missingCommand = /^(?:\S*sh: )?(?:line \d+: |\d+: )?[\w./+-]+: (?:command )?not found$/m;
/** `python3 -m pytest` without pytest, and a program the runner could not spawn. */
const missingModule = /^\S*python[\d.]*: No module named [\w.]+$/m;
const spawnFailed = /\bspawn \S+ ENOENT\b/;

/** True when the check could not run because its tool is missing (exit 127, "not found", ENOENT). */
export function isUnavailable(exitCode: number | null, output: string): boolean {
  if (exitCode === 0) return false;
  if (exitCode === 127) return true;
  return missingCommand.test(output) || missingModule.test(output) || spawnFailed.test(output);
}

/** What the base commit's run of a check says, for the cache and the `checks-baseline` event. */
export function baselineCheck(kind: CheckKind, command: string, exitCode: number | null, output: string, worktree: string): BaselineCheck {
  const status = exitCode === 0 ? 'passed' : isUnavailable(exitCode, output) ? 'unavailable' : 'failed';
  const failing = failingTests(output, exitCode, worktree);
  return { kind, command, exitCode, status, failing: failing === undefined ? null : Object.fromEntries(failing), lines: status === 'failed' ? outputLines(output, worktree) : [] };
}

/**
 * Judges one check after the change against the base. Tests are compared by failing
 * test: one that did not fail at the base, or fails otherwise now, is new. When no test
 * can be named, the same exit code and no output line the base did not print mean
 * "failed before". Related tests are compared with the base's suite (a subset of it).
 */
export function judgeCheck(kind: CheckKind, command: string, exitCode: number | null, output: string, worktree: string, baseline: readonly BaselineCheck[] | undefined): Judgement {
  const counterparts = (baseline ?? []).filter((check) => (kind === 'related-test' ? check.kind === 'test' : check.command === command));
  const same = counterparts.find((check) => check.command === command);
  if (exitCode === 0) {
    const gone = same?.failing ? Object.keys(same.failing) : [];
    return gone.length > 0 ? { status: 'passed', nowPassing: gone } : { status: 'passed' };
  }
  if (isUnavailable(exitCode, output)) return { status: 'unavailable' };
  if (kind === 'format' || kind === 'fix' || counterparts.length === 0) return { status: 'failed' };
  const current = failingTests(output, exitCode, worktree);
  const before = baseFailures(counterparts);
  if (current !== undefined && current.size > 0 && before !== undefined) {
    const fresh = [...current].filter(([id, signature]) => before.get(id) !== signature).map(([id]) => id);
    const preexisting = [...current.keys()].filter((id) => !fresh.includes(id));
    const nowPassing = same?.failing ? Object.keys(same.failing).filter((id) => !current.has(id)) : [];
    return { status: fresh.length > 0 ? 'failed' : 'failed-before', newFailures: fresh, preexisting, ...(nowPassing.length > 0 ? { nowPassing } : {}) };
  }
  if (same === undefined || same.exitCode !== exitCode || same.status !== 'failed') return { status: 'failed' };
  const known = new Set(same.lines);
  return outputLines(output, worktree).every((line) => known.has(line)) ? { status: 'failed-before' } : { status: 'failed' };
}

/** The base's failing tests over the counterpart checks; undefined when one of them failed without naming any. */
function baseFailures(counterparts: readonly BaselineCheck[]): Map<string, string> | undefined {
  const failures = new Map<string, string>();
  for (const check of counterparts) {
    if (check.status === 'unavailable') continue;
    if (check.failing === null) return undefined;
    for (const [id, signature] of Object.entries(check.failing)) failures.set(id, signature);
  }
  return failures;
}
