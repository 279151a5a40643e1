// Runs a check plan in the worktree: autofixes (format, lint --fix) first, then lint,
// the tests relevant to the change, and the whole suite. The suite is skipped when
// the related tests fail with new failures, so a fix round starts sooner. Each check is
// judged against the baseline (judge.ts): only new failures block.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../../schemas/index.js';
import type { CheckKind, Emit } from '../events.js';
import { truncateMiddle } from '../limits.js';
import { runLaunched, type CommandLauncher } from '../workspace/command-launch.js';
import { judgedOutputCharacters } from './baseline.js';
import { relatedCommand, relatedTests, type CheckPlan } from './discover.js';
import { judgeCheck, type BaselineCheck, type Judgement } from './judge.js';

/** The checks' verdict and what a fix round needs to see. */
export interface ChecksOutcome {
  passed: boolean;
  results: CheckResult[];
  /** The output of the failing blocking checks, for the fix prompt. */
  failures: string;
  /** Paths the autofixes (format, fix) added to the worktree's changes: theirs to stage. */
  autofixed: string[];
}

/** Options of `runChecks`. */
export interface RunChecksOptions {
  worktree: string;
  /** Paths changed against the base, and every tracked path (to find related tests). */
  changed: readonly string[];
  tracked: readonly string[];
  env: NodeJS.ProcessEnv;
  /** How each command starts (the run's sandbox); unsandboxed when absent. */
  launcher?: CommandLauncher;
  /** Dependency folders linked into the worktree from the user's checkout. */
  linked?: readonly string[];
  node: string;
  timeoutMs: number;
  maxOutputCharacters: number;
  signal: AbortSignal;
  emit: Emit;
  /** The checks on the base commit; without it every failure blocks. */
  baseline?: readonly BaselineCheck[];
  /** The worktree's changed paths (git status), to tell what the autofixes changed. */
  changedPaths?: () => Promise<string[]>;
}

/** Runs the plan and returns every result; blocking checks decide `passed`. */
export async function runChecks(plan: CheckPlan, options: RunChecksOptions): Promise<ChecksOutcome> {
  const results: CheckResult[] = [];
  const failures: string[] = [];
  const run = async (kind: CheckKind, command: string): Promise<CheckResult> => {
    const result = await runLaunched({ shell: command }, {
      launcher: options.launcher,
      worktree: options.worktree,
      linked: options.linked ?? [],
      node: options.node,
      emit: options.emit,
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      // Judged on a long capture (a failing test may be named anywhere); reported head and tail.
      maxOutputCharacters: Math.max(options.maxOutputCharacters, judgedOutputCharacters),
    });
    const output = truncateMiddle(result.output, options.maxOutputCharacters);
    options.emit('command-end', { node: options.node, command, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs, output });
    const judgement = judgeCheck(kind, command, result.exitCode, result.output, options.worktree, options.baseline);
    const check: CheckResult = { name: kind, command, exitCode: result.exitCode, passed: result.exitCode === 0, ...judgement, durationMs: result.durationMs, output };
    results.push(check);
    options.emit('check-end', { ...check, kind });
    if (blocks(check)) failures.push(`$ ${command}\n(exit code ${result.exitCode ?? result.signal ?? '?'}${result.timedOut ? ', timed out' : ''})\n${failureNames(judgement)}${output}`);
    return check;
  };
  const before = options.changedPaths === undefined || plan.format.length + plan.fix.length === 0 ? undefined : new Set(await options.changedPaths());
  for (const command of plan.format) await run('format', command);
  for (const command of plan.fix) await run('fix', command);
  const autofixed = before === undefined || options.changedPaths === undefined ? [] : (await options.changedPaths()).filter((path) => !before.has(path));
  let passed = true;
  for (const command of plan.lint) passed = !blocks(await run('lint', command)) && passed;
  // A test file the change deleted is no test to run: naming it would fail the runner ("Could not find"), not a test.
  const present = (path: string): boolean => existsSync(join(options.worktree, path));
  const related = plan.related === undefined ? undefined : relatedCommand(plan.related, relatedTests(options.changed, options.tracked).filter(present));
  const relatedPassed = related === undefined ? true : !blocks(await run('related-test', related));
  passed &&= relatedPassed;
  if (relatedPassed) for (const command of plan.test) passed = !blocks(await run('test', command)) && passed;
  return { passed, results, failures: failures.join('\n\n'), autofixed };
}

/** True for a blocking check (lint, tests) whose failure the change caused; autofixes never block. */
export function blocks(check: CheckResult): boolean {
  return check.name !== 'format' && check.name !== 'fix' && (check.status ?? (check.passed ? 'passed' : 'failed')) === 'failed';
}

/** The fix prompt's account of which failing tests are new and which were there before the change. */
function failureNames(judgement: Judgement): string {
  const lines: string[] = [];
  if (judgement.newFailures !== undefined && judgement.newFailures.length > 0) lines.push(`New failures (caused by the change; fix these): ${judgement.newFailures.join(', ')}`);
  if (judgement.preexisting !== undefined && judgement.preexisting.length > 0) lines.push(`Failing before the change too (not caused by it; leave them): ${judgement.preexisting.join(', ')}`);
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
