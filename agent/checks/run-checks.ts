// Runs a check plan in the worktree: autofixes (format, lint --fix) first, then lint,
// the tests relevant to the change, and the whole suite. The suite is skipped when
// the related tests already fail, so a fix round starts sooner.
import type { CheckResult } from '../../schemas/index.js';
import type { CheckKind, Emit } from '../events.js';
import { runLaunched, type CommandLauncher } from '../workspace/command-launch.js';
import { relatedCommand, relatedTests, type CheckPlan } from './discover.js';

/** The checks' verdict and what a fix round needs to see. */
export interface ChecksOutcome {
  passed: boolean;
  results: CheckResult[];
  /** The output of the failing blocking checks, for the fix prompt. */
  failures: string;
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
}

/** Runs the plan and returns every result; blocking checks decide `passed`. */
export async function runChecks(plan: CheckPlan, options: RunChecksOptions): Promise<ChecksOutcome> {
  const results: CheckResult[] = [];
  const failures: string[] = [];
  const run = async (kind: CheckKind, command: string): Promise<boolean> => {
    const result = await runLaunched({ shell: command }, {
      launcher: options.launcher,
      worktree: options.worktree,
      linked: options.linked ?? [],
      node: options.node,
      emit: options.emit,
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputCharacters: options.maxOutputCharacters,
    });
    options.emit('command-end', { node: options.node, command, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs, output: result.output });
    const check: CheckResult = { name: kind, command, exitCode: result.exitCode, passed: result.exitCode === 0, durationMs: result.durationMs, output: result.output };
    results.push(check);
    options.emit('check-end', { ...check, kind });
    if (!check.passed && kind !== 'format' && kind !== 'fix') failures.push(`$ ${command}\n(exit code ${result.exitCode ?? result.signal ?? '?'}${result.timedOut ? ', timed out' : ''})\n${result.output}`);
    return check.passed;
  };
  for (const command of plan.format) await run('format', command);
  for (const command of plan.fix) await run('fix', command);
  let passed = true;
  for (const command of plan.lint) passed = (await run('lint', command)) && passed;
  const related = plan.related === undefined ? undefined : relatedCommand(plan.related, relatedTests(options.changed, options.tracked));
  const relatedPassed = related === undefined ? true : await run('related-test', related);
  passed &&= relatedPassed;
  if (relatedPassed) for (const command of plan.test) passed = (await run('test', command)) && passed;
  return { passed, results, failures: failures.join('\n\n') };
}
