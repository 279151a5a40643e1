// How a run's commands reach the network: bubblewrap's own namespace, or a network
// sandbox probed when bubblewrap is unavailable, and the refusals when isolation is
// required but missing (or the commands cannot be sandboxed at all).
import { MinionsError } from '../schemas/index.js';
import type { AgentEventMap } from './events.js';
import type { SandboxProbe } from './workspace/command-sandbox.js';
import type { CommandNetworkPolicy, NetworkSandbox } from './workspace/network-sandbox.js';

/** How a run's commands start, the trace event that says so, and the refusal when isolation is required but missing. */
export interface NetworkDecision {
  prefix: readonly string[];
  event: AgentEventMap['network-check'];
  refused?: MinionsError;
}

/** The refusal of a run whose commands could not be sandboxed: the reason and the fixes. */
export function unsandboxedRefusal(reason: string): MinionsError {
  return new MinionsError(
    'agent-unavailable',
    `Agent commands run in a bubblewrap sandbox, but ${reason}. Install bubblewrap (apt-get install bubblewrap) and, when not running as root, allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu); or run commands unsandboxed explicitly (--allow-unsandboxed-commands or MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1).`,
  );
}

/** The network of commands under bubblewrap: its own namespace (loopback only) unless the network is allowed. */
export function bubblewrapNetwork(policy: CommandNetworkPolicy, probe: Extract<SandboxProbe, { available: true }>): NetworkDecision {
  if (policy === 'allowed') return { prefix: [], event: { isolated: false, method: null, loopback: true, allowed: true, note: 'commands may use the network (privacy mode is off)' } };
  return { prefix: [], event: { isolated: true, method: `${probe.method} --unshare-net`, loopback: true, allowed: true, note: 'commands run in a network namespace with only loopback' } };
}

/** Decides how the run's commands reach the network (probing the sandbox unless the network is allowed). */
export async function commandIsolation(policy: CommandNetworkPolicy, sandbox: NetworkSandbox, signal: AbortSignal): Promise<NetworkDecision> {
  if (policy === 'allowed') return { prefix: [], event: { isolated: false, method: null, loopback: true, allowed: true, note: 'commands may use the network (privacy mode is off)' } };
  const isolation = await sandbox.probe(signal);
  if (isolation.isolated) {
    const note = `commands run in a network namespace with ${isolation.loopback ? 'only loopback' : 'no interface up (not even loopback)'}`;
    return { prefix: isolation.prefix, event: { isolated: true, method: isolation.method, loopback: isolation.loopback, allowed: true, note } };
  }
  const allowed = policy === 'isolated-if-available';
  const event = { isolated: false, method: null, loopback: true, allowed, note: `${isolation.reason}; commands ${allowed ? 'run WITH network (allowed explicitly)' : 'would have network, so the run is refused'}` };
  if (allowed) return { prefix: [], event };
  const refused = new MinionsError(
    'agent-unavailable',
    `Privacy mode runs agent commands without network, but ${isolation.reason}. Install util-linux (unshare) and allow network namespaces, or allow commands with network explicitly (--allow-network-commands or MINIONS_ALLOW_NETWORK_COMMANDS=1).`,
  );
  return { prefix: [], event, refused };
}
