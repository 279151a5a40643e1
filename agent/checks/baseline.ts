// The baseline: the repository's lint and test checks run once on the base commit, in
// the task's worktree before the model edits, so the checks after the change can be
// judged by what it changed. Autofixes (format, fix) are not run: they would change the
// base. The outcome is cached per (commit, check commands) in a small JSON file.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckKind } from '../../schemas/index.js';
import type { Emit } from '../events.js';
import { truncateMiddle } from '../limits.js';
import { runLaunched, type CommandLauncher } from '../workspace/command-launch.js';
import type { CheckPlan } from './discover.js';
import { baselineCheck, type BaselineCheck } from './judge.js';

/** The most output of one baseline check read for judging (failures are named anywhere in it). */
export const judgedOutputCharacters = 200_000;

const cacheVersion = 1;

/** The checks a baseline runs: lint and the suite, in order. */
export function baselineCommands(plan: CheckPlan): { kind: CheckKind; command: string }[] {
  return [...plan.lint.map((command) => ({ kind: 'lint' as const, command })), ...plan.test.map((command) => ({ kind: 'test' as const, command }))];
}

/** The cache file of a commit and a check plan: `<commit>-<hash of the commands>.json`. */
export function baselineCacheFile(directory: string, commit: string, plan: CheckPlan): string {
  const hash = createHash('sha256').update(JSON.stringify(baselineCommands(plan))).digest('hex').slice(0, 16);
  return join(directory, `${commit}-${hash}.json`);
}

/** The cached baseline of a commit and plan, or undefined (none, unreadable, another version). */
export async function readCachedBaseline(file: string): Promise<BaselineCheck[] | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = JSON.parse(text) as { version?: unknown; checks?: unknown };
    return parsed.version === cacheVersion && Array.isArray(parsed.checks) ? (parsed.checks as BaselineCheck[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the baseline atomically (a temporary file renamed over the target), so a reader never sees half of it. */
export async function writeCachedBaseline(file: string, commit: string, checks: readonly BaselineCheck[]): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ version: cacheVersion, commit, checks })}\n`);
  await rename(temporary, file);
}

/** Options of `runBaseline`. */
export interface BaselineOptions {
  worktree: string;
  env: NodeJS.ProcessEnv;
  launcher?: CommandLauncher;
  linked: readonly string[];
  timeoutMs: number;
  /** Characters of each command's output the `command-end` event keeps. */
  maxOutputCharacters: number;
  signal: AbortSignal;
  emit: Emit;
}

/** Runs the plan's lint and test commands on the base and reduces each to what judging needs. */
export async function runBaseline(plan: CheckPlan, options: BaselineOptions): Promise<BaselineCheck[]> {
  const checks: BaselineCheck[] = [];
  for (const { kind, command } of baselineCommands(plan)) {
    const result = await runLaunched({ shell: command }, {
      launcher: options.launcher,
      worktree: options.worktree,
      linked: options.linked,
      node: 'baseline',
      emit: options.emit,
      env: options.env,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      maxOutputCharacters: judgedOutputCharacters,
    });
    options.emit('command-end', { node: 'baseline', command, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: result.durationMs, output: truncateMiddle(result.output, options.maxOutputCharacters) });
    checks.push(baselineCheck(kind, command, result.exitCode, result.output, options.worktree));
  }
  return checks;
}

