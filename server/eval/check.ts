// `minions eval --check`: proves each task of a suite is real without any model. Its
// verification must fail on the repository as the agent gets it, and pass once the
// published fix is applied (the newer version's files the task names in `fixedIn`).
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EvalTask } from '../../schemas/index.js';
import { mustRun, npmTarball, prepareTaskRepository, unpackTarball } from './sources.js';
import { suitePath, type LoadedSuite } from './suite.js';
import { verifyCommit, type VerificationResult, type VerificationSandbox } from './verify.js';

/** What the check found for one task. */
export interface TaskCheck {
  task: string;
  /** The verification on the starting point (must fail). */
  original: VerificationResult;
  /** The verification with the fix applied (must pass); absent when the task names no fix. */
  fixed?: VerificationResult | undefined;
  /** Failing before and passing after (or, without `fixedIn`, failing before). */
  real: boolean;
}

/** What a check needs. */
export interface CheckOptions {
  suite: LoadedSuite;
  sandbox: VerificationSandbox;
  env: NodeJS.ProcessEnv;
  workDir: string;
  cacheDir: string;
  parallel: number;
  signal: AbortSignal;
  onCheck?: (check: TaskCheck) => void;
}

/** Checks every task, up to `parallel` at once; the checks in suite order. */
export async function checkSuite(options: CheckOptions): Promise<TaskCheck[]> {
  const tasks = options.suite.suite.tasks;
  const checks = new Array<TaskCheck>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < tasks.length; index = next++) {
      const check = await checkTask(tasks[index] as EvalTask, options);
      checks[index] = check;
      options.onCheck?.(check);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.parallel, tasks.length)) }, worker));
  return checks;
}

async function checkTask(task: EvalTask, options: CheckOptions): Promise<TaskCheck> {
  const { signal } = options;
  await mkdir(options.workDir, { recursive: true });
  const folder = await mkdtemp(join(options.workDir, `check-${task.id}-`));
  const repo = join(folder, 'repo');
  const common = { suiteFolder: options.suite.folder, cacheDir: options.cacheDir, environment: options.env, signal };
  try {
    const base = await prepareTaskRepository(task, repo, common);
    const verify = (commit: string): Promise<VerificationResult> =>
      verifyCommit({ repoRoot: repo, commit, verification: task.verify, suiteFolder: options.suite.folder, sandbox: options.sandbox, environment: options.env, scratch: join(folder, 'verify'), signal });
    const original = await verify(base);
    if (task.fixedIn === undefined) return { task: task.id, original, real: !original.passed };
    const fixedTree = join(folder, 'fixed');
    await unpackTarball(await npmTarball(task.fixedIn.npm, task.fixedIn.integrity, common), fixedTree, signal);
    for (const file of task.fixedIn.files) {
      const destination = suitePath(repo, file, `task ${task.id}: fixedIn.files`);
      await mkdir(dirname(destination), { recursive: true });
      await copyFile(suitePath(fixedTree, file, `task ${task.id}: fixedIn.files`), destination);
    }
    const git = (...args: string[]): Promise<string> => mustRun({ argv: ['git', ...args] }, repo, signal, `git ${args[0] ?? ''}`);
    await git('add', '--all');
    await git('-c', 'user.name=minions eval', '-c', 'user.email=eval@minions.invalid', 'commit', '--quiet', '--no-verify', '--allow-empty', '-m', `the fix of ${task.fixedIn.npm}`);
    const fixed = await verify((await git('rev-parse', 'HEAD')).trim());
    return { task: task.id, original, fixed, real: !original.passed && fixed.passed };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
