// The verification of a task, which the agent never sees: its files are written onto
// the commit to judge in a fresh worktree of the task's repository (after the run, so
// they were never in the agent's), then its command runs there in the command sandbox
// without network. Exit 0 is a verified task, whatever the agent claimed.
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createBubblewrapSandbox, createLauncher, createUnshareSandbox } from '../../agent/index.js';
import { scrubbedEnvironment, runProcess } from '../../platform/index.js';
import { MinionsError, type EvalVerification } from '../../schemas/index.js';
import { mustRun } from './sources.js';
import { suitePath } from './suite.js';

/** How verification commands start: the argv prefix of a sandbox without network, or none. */
export interface VerificationSandbox {
  /** The prefix for a command in `worktree` of the repository `repoRoot`. */
  prefix(repoRoot: string, worktree: string, signal: AbortSignal): Promise<readonly string[]>;
  /** `bwrap`, `unshare` (network only) or `none`. */
  method: string;
}

/**
 * The sandbox of verification commands: bubblewrap with no network, as the agent's own
 * commands run. Where it cannot run, only with `allowUnsandboxed`: then a network
 * namespace alone, else nothing (and the report says so).
 */
export async function createVerificationSandbox(options: { allowUnsandboxed: boolean; memoryCapBytes: number; signal: AbortSignal }): Promise<VerificationSandbox> {
  const probe = await createBubblewrapSandbox().probe(options.signal);
  if (probe.available) {
    return {
      method: 'bwrap',
      async prefix(repoRoot, worktree, signal) {
        const launcher = await createLauncher({ probe, networkPrefix: [], isolateNetwork: true, repoRoot, memoryCapBytes: options.memoryCapBytes, signal });
        return (await launcher(worktree, [])).prefix;
      },
    };
  }
  if (!options.allowUnsandboxed) throw new MinionsError('invalid-argument', `Verification commands need the command sandbox: ${probe.reason}. Pass --allow-unsandboxed-commands to run them without it.`);
  const network = await createUnshareSandbox().probe(options.signal);
  const prefix = network.isolated ? network.prefix : [];
  return { method: network.isolated ? 'unshare' : 'none', prefix: async () => prefix };
}

/** How a verification went. */
export interface VerificationResult {
  passed: boolean;
  exitCode: number | null;
  durationMs: number;
  output: string;
}

/** What one verification needs. */
export interface VerifyOptions {
  /** The task's repository (the agent's branch lives in it). */
  repoRoot: string;
  /** The commit to judge. */
  commit: string;
  verification: EvalVerification;
  suiteFolder: string;
  sandbox: VerificationSandbox;
  /** What the command's (scrubbed) environment starts from. */
  environment: NodeJS.ProcessEnv;
  /** Where the verification worktree goes (removed afterwards). */
  scratch: string;
  signal: AbortSignal;
}

/** Runs the verification on the commit; never throws for a failing command (that is a result). */
export async function verifyCommit(options: VerifyOptions): Promise<VerificationResult> {
  const { repoRoot, verification, signal } = options;
  await mkdir(options.scratch, { recursive: true });
  const worktree = join(await mkdtemp(join(options.scratch, 'verify-')), 'tree');
  await mustRun({ argv: ['git', 'worktree', 'add', '--quiet', '--detach', worktree, options.commit] }, repoRoot, signal, 'git worktree add (verification)');
  try {
    for (const [target, source] of Object.entries(verification.files)) {
      const destination = suitePath(worktree, target, 'verify.files');
      await mkdir(dirname(destination), { recursive: true });
      await copyFile(suitePath(options.suiteFolder, source, 'verify.files'), destination);
    }
    // Dependencies the setup installed stay in the repository's folder, out of git: link them as the agent's worktree has them.
    for (const folder of ['node_modules', '.venv', 'venv']) {
      if (existsSync(join(repoRoot, folder)) && !existsSync(join(worktree, folder))) await symlink(join(repoRoot, folder), join(worktree, folder));
    }
    const prefix = await options.sandbox.prefix(repoRoot, worktree, signal);
    const timeoutMs = (verification.timeoutSeconds ?? 300) * 1000;
    const result = await runProcess({ shell: verification.command }, { cwd: worktree, env: scrubbedEnvironment(options.environment), prefix, signal, timeoutMs, maxOutputCharacters: 4000 });
    return { passed: result.exitCode === 0, exitCode: result.exitCode, durationMs: result.durationMs, output: result.output };
  } finally {
    await mustRun({ argv: ['git', 'worktree', 'remove', '--force', worktree] }, repoRoot, new AbortController().signal, 'git worktree remove').catch(() => undefined);
    await rm(dirname(worktree), { recursive: true, force: true });
  }
}
