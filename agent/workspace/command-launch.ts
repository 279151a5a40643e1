// How a run's commands start, decided once per run before anything is touched: the
// bubblewrap sandbox (which also takes the network away unless allowed), or, where it
// cannot run and the user allowed it, today's network namespace alone.
import type { AgentEventMap, Emit } from '../events.js';
import { formatCommand, runProcess, type CommandLine, type ProcessResult, type RunProcessOptions } from '../../platform/index.js';
import { bubblewrapArgv, linkedTargets, type SandboxProbe } from './command-sandbox.js';
import { git } from './git.js';

/** The words before one command and what they give it (the `command-sandbox` event without node and command). */
export interface CommandLaunch {
  prefix: readonly string[];
  sandbox: Omit<AgentEventMap['command-sandbox'], 'node' | 'command'>;
}

/** Builds the launch of a command in a worktree (with the dependency folders linked into it). */
export type CommandLauncher = (worktree: string, linked: readonly string[]) => Promise<CommandLaunch>;

/** No sandbox at all: what tools run with when no launcher is wired (unit tests of tools). */
export const unsandboxedLauncher: CommandLauncher = async (worktree) => ({
  prefix: [],
  sandbox: { method: 'none', networkIsolated: false, pidNamespace: false, capabilitiesDropped: false, memoryCapBytes: 0, writable: [worktree] },
});

/** What a run's launcher is made of. */
export interface LauncherOptions {
  probe: SandboxProbe;
  /** The network prefix (`unshare --net ...`) used only when bubblewrap is unavailable; empty for none. */
  networkPrefix: readonly string[];
  /** True when commands get no network (bubblewrap's own namespace, or the network prefix). */
  isolateNetwork: boolean;
  /** The user's checkout: its git metadata and linked dependencies stay visible, read-only. */
  repoRoot: string;
  memoryCapBytes: number;
  signal: AbortSignal;
}

/** The launcher of a run: under bubblewrap when the probe found it, else unsandboxed with the network prefix. */
export async function createLauncher(options: LauncherOptions): Promise<CommandLauncher> {
  const { probe } = options;
  if (!probe.available) {
    return async (worktree) => ({
      prefix: options.networkPrefix,
      sandbox: { method: 'none', networkIsolated: options.isolateNetwork, pidNamespace: false, capabilitiesDropped: false, memoryCapBytes: 0, writable: [worktree] },
    });
  }
  // The common git dir (where the worktree's metadata lives) is in the user's checkout or, with --separate-git-dir, elsewhere.
  const commonDir = (await git(options.repoRoot, ['rev-parse', '--path-format=absolute', '--git-common-dir'], options.signal)).trim();
  return async (worktree, linked) => {
    const readOnly = [options.repoRoot, commonDir, ...(await linkedTargets(options.repoRoot, linked))];
    const layout = { worktree, readOnly, isolateNetwork: options.isolateNetwork, memoryBytes: options.memoryCapBytes };
    return {
      prefix: bubblewrapArgv(probe.flags, layout),
      sandbox: { method: 'bwrap', networkIsolated: options.isolateNetwork, pidNamespace: true, capabilitiesDropped: true, memoryCapBytes: options.memoryCapBytes, writable: [worktree] },
    };
  };
}

/** What `runLaunched` needs besides runProcess's own options. */
export interface LaunchOptions extends Omit<RunProcessOptions, 'prefix' | 'onStart' | 'cwd'> {
  launcher: CommandLauncher | undefined;
  worktree: string;
  linked: readonly string[];
  node: string;
  emit: Emit;
}

/** Runs one command of a task through its launcher, announcing how it runs (`command-sandbox`) and when it starts. */
export async function runLaunched(command: CommandLine, options: LaunchOptions): Promise<ProcessResult> {
  const { launcher, worktree, linked, node, emit, ...process } = options;
  const launch = await (launcher ?? unsandboxedLauncher)(worktree, linked);
  const text = formatCommand(command);
  emit('command-sandbox', { node, command: text, ...launch.sandbox });
  return runProcess(command, { ...process, cwd: worktree, prefix: launch.prefix, onStart: (pid) => emit('command-start', { node, command: text, pid }) });
}
