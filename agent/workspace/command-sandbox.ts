// A filesystem sandbox for every command a task runs (run_command and the checks are
// repository code the model may have edited): bubblewrap shows it the system read-only,
// the worktree writable, the user's checkout and git metadata read-only, a private /tmp
// with an empty HOME, no other process (new PID namespace), no capabilities, no network
// unless allowed, and nothing of it outlives the command (--die-with-parent, new session).
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { cachedProbe, probeCommand } from './probe.js';

/** What the probe found: bubblewrap and the flags that end with no capabilities, or why not. */
export type SandboxProbe = { available: true; method: 'bwrap'; flags: readonly string[] } | { available: false; reason: string };

/** Finds out once whether commands can run under bubblewrap here. */
export interface CommandSandbox {
  probe(signal: AbortSignal): Promise<SandboxProbe>;
}

/** Where one command runs: the paths and limits its bubblewrap argv is built from. */
export interface SandboxLayout {
  /** The task's worktree (a real path), the only writable folder besides /tmp. */
  worktree: string;
  /** Paths bound read-only over the private /tmp when they live there: the user's checkout, its git dir, linked dependencies. */
  readOnly: readonly string[];
  /** True to give the command a network namespace of its own (loopback only). */
  isolateNetwork: boolean;
  /** RLIMIT_DATA of the command in bytes; 0 for none. */
  memoryBytes: number;
}

/** The HOME commands see: an empty folder in the private /tmp, made afresh for every command. */
export const sandboxHome = '/tmp/home';

// Toolchain caches of the real HOME that offline builds need, bound read-only into the sandbox's HOME.
const toolchainCaches = ['.npm', '.cargo/registry', '.cargo/git', 'go/pkg/mod', '.cache/pip', '.cache/go-build', '.m2/repository', '.gradle/caches'];

// Namespaces and lifetime: every flag except the user namespace and capability choice the probe makes.
const baseFlags = ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];

/** The bubblewrap argv that runs a command (the words after it) in the layout. */
export function bubblewrapArgv(flags: readonly string[], layout: SandboxLayout, realHome: string = homedir()): string[] {
  const argv = ['bwrap', ...flags, ...baseFlags, ...(layout.isolateNetwork ? ['--unshare-net'] : [])];
  argv.push('--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp', '--dir', sandboxHome);
  for (const path of layout.readOnly) argv.push('--ro-bind-try', path, path);
  for (const cache of toolchainCaches) {
    const source = join(realHome, cache);
    if (existsSync(source)) argv.push('--ro-bind', source, join(sandboxHome, cache));
  }
  argv.push('--bind', layout.worktree, layout.worktree, '--chdir', layout.worktree, '--setenv', 'HOME', sandboxHome, '--setenv', 'TMPDIR', '/tmp', '--');
  // RLIMIT_DATA, not RLIMIT_AS: address space reserved but unused (WebAssembly, V8) is not counted, what a process fills is.
  if (layout.memoryBytes > 0) argv.push('/bin/sh', '-c', `ulimit -d ${Math.ceil(layout.memoryBytes / 1024)} || exit 125; exec "$@"`, 'minions-sandbox');
  return argv;
}

/**
 * The real paths of the dependency folders linked into a worktree, which must stay visible.
 * Resolved from the user's checkout, where prepare linked them from, not through the
 * worktree's links, which the model or a command may have pointed elsewhere.
 */
export async function linkedTargets(repoRoot: string, linked: readonly string[]): Promise<string[]> {
  const targets = await Promise.all(linked.map((name) => realpath(join(repoRoot, name)).catch(() => undefined)));
  return targets.filter((target): target is string => target !== undefined);
}

/** Runs the probe command inside a sandbox with these flags; its stdout. */
function tryFlags(flags: readonly string[], signal: AbortSignal): Promise<string> {
  // Any existing folder does as the worktree: the probe command only reads its own status.
  const argv = [...bubblewrapArgv(flags, { worktree: '/tmp', readOnly: [], isolateNetwork: true, memoryBytes: 0 }), '/bin/sh', '-c', 'grep ^CapEff: /proc/self/status'];
  return probeCommand(argv, signal);
}

/**
 * The default sandbox: bubblewrap (`bwrap` on PATH), with a user namespace where the kernel
 * allows one and every capability dropped as root; the probe checks that a command inside
 * really has no capability and sees no other process. The answer is cached.
 */
export function createBubblewrapSandbox(): CommandSandbox {
  return cachedProbe(async (signal: AbortSignal): Promise<SandboxProbe> => {
    if (process.platform !== 'linux') return { available: false, reason: `bubblewrap needs Linux (this is ${process.platform})` };
    const root = process.getuid?.() === 0;
    const candidates = root ? [['--unshare-user', '--cap-drop', 'ALL'], ['--cap-drop', 'ALL']] : [['--unshare-user'], []];
    const reasons: string[] = [];
    for (const flags of candidates) {
      try {
        const answer = await tryFlags(flags, signal);
        const capabilities = answer.trim();
        if (!/^CapEff:\s*0+$/.test(capabilities)) throw new Error(`a command keeps capabilities (${capabilities || 'none read'})`);
        return { available: true, method: 'bwrap', flags };
      } catch (error) {
        if (signal.aborted) throw error;
        reasons.push(`bwrap ${flags.join(' ') || '(no user namespace)'}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { available: false, reason: `bubblewrap cannot sandbox commands here (${reasons.join('; ')})` };
  });
}
