// Commands without network: every agent command (run_command, the checks) can be
// prefixed with `unshare`, which starts it in a new Linux network namespace that has
// only a loopback interface. Nothing it does can reach another machine.
import { cachedProbe, probeCommand } from './probe.js';

/** How a run's commands are started: the argv prefix that isolates them, and what it gives. */
export type CommandIsolation =
  | { isolated: true; prefix: readonly string[]; method: string; loopback: boolean }
  | { isolated: false; reason: string };

/** Finds out whether commands can run without network on this machine. */
export interface NetworkSandbox {
  probe(signal: AbortSignal): Promise<CommandIsolation>;
}

/** What a run requires of its commands' network: none at all, none where possible, or anything. */
export type CommandNetworkPolicy = 'isolated' | 'isolated-if-available' | 'allowed';

// Brings loopback up inside the namespace (tests often listen on 127.0.0.1), then runs the command itself.
const startScript = 'ip link set lo up >/dev/null 2>&1 || ip=down; [ "$1" = --probe ] && { echo "lo ${ip:-up}"; exit 0; }; exec "$@"';

/**
 * The default sandbox: `unshare --net` (as root) or `unshare --map-root-user --net` (an
 * unprivileged user namespace) from util-linux, whichever works here; the answer is cached.
 */
export function createUnshareSandbox(): NetworkSandbox {
  return cachedProbe(async (signal: AbortSignal): Promise<CommandIsolation> => {
    if (process.platform !== 'linux') return { isolated: false, reason: `network namespaces need Linux (this is ${process.platform})` };
    const root = process.getuid?.() === 0;
    const candidates = root ? [['--net'], ['--map-root-user', '--net']] : [['--map-root-user', '--net'], ['--net']];
    const reasons: string[] = [];
    for (const flags of candidates) {
      const prefix = ['unshare', ...flags, '--', '/bin/sh', '-c', startScript, 'minions-sandbox'];
      try {
        const answer = await probeCommand([...prefix, '--probe'], signal);
        return { isolated: true, prefix, method: `unshare ${flags.join(' ')}`, loopback: answer.trim() === 'lo up' };
      } catch (error) {
        if (signal.aborted) throw error;
        reasons.push(`unshare ${flags.join(' ')}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return { isolated: false, reason: `no network namespace is available (${reasons.join('; ')})` };
  });
}
