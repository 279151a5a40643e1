// Blueprints are data: an ordered list of nodes, each deterministic or agentic, all
// with one signature and their own limits. A node's outcome names where the run goes
// next (the following node by default), which is how fix loops back to checks.
import type { CodeSearch } from './tools/tool.js';
import type { Emit } from './events.js';
import type { AgentLimits, LoopLimits } from './limits.js';
import type { ChatModel } from './model/ollama-model.js';
import type { RunState } from './run-state.js';

/** What a node reports: how it went, an optional note for the trace, and where to go next. */
export interface NodeOutcome {
  status: 'ok' | 'skipped' | 'failed';
  note?: string;
  /** A node name to jump to; `'end'` stops the run; undefined: the following node, or the end after a failure. */
  next?: string;
}

/** The run-wide services a node may use. */
export interface NodeServices {
  search: CodeSearch;
  limits: AgentLimits;
  emit: Emit;
  /** The model of an agentic node (connected before the run starts). */
  model(node: string): ChatModel;
  /** Protected globs, extra allowed commands and environment of the run. */
  protectedPaths: readonly string[];
  allowedCommands: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Words every command starts with: the network sandbox (`unshare --net ...`), or none. */
  commandPrefix?: readonly string[];
  worktreesDir: string;
}

/** What every node receives. */
export interface NodeContext {
  state: RunState;
  services: NodeServices;
  signal: AbortSignal;
  /** How many times this node has run before in this run (0 on the first visit). */
  visit: number;
  /** The node's own limits. */
  limits: NodeLimits;
}

/** A node's own limits: wall time, visits, and for agentic nodes the loop's. */
export interface NodeLimits {
  timeoutMs: number;
  maxVisits: number;
  loop?: LoopLimits;
}

/** One step of a blueprint. */
export interface BlueprintNode {
  name: string;
  kind: 'deterministic' | 'agentic';
  description: string;
  limits: NodeLimits;
  run(context: NodeContext): Promise<NodeOutcome>;
  /** Runs even when the run has failed or was cancelled (clean-up). */
  always?: boolean;
}

/** A named, ordered list of nodes. */
export interface Blueprint {
  name: string;
  nodes: readonly BlueprintNode[];
}

/** One node execution, for the summary. */
export interface NodeRecord {
  node: string;
  round: number;
  status: string;
  durationMs: number;
}

/**
 * Runs the nodes in order, following `next` jumps, each under its own time limit.
 * Stops at the end, at `'end'`, after a failed node without `next`, or on abort;
 * `always` nodes after the stopping point still run (with a fresh signal if the run
 * was cancelled, so clean-up can finish). Rethrows the abort after clean-up.
 */
export async function runBlueprint(blueprint: Blueprint, state: RunState, services: NodeServices, signal: AbortSignal): Promise<NodeRecord[]> {
  const records: NodeRecord[] = [];
  const visits = new Map<string, number>();
  let index = 0;
  let stopped = false;
  let abortError: unknown;
  while (index < blueprint.nodes.length) {
    const node = blueprint.nodes[index] as BlueprintNode;
    if (stopped && !node.always) {
      index += 1;
      continue;
    }
    const visit = visits.get(node.name) ?? 0;
    visits.set(node.name, visit + 1);
    if (visit >= node.limits.maxVisits) {
      state.failure ??= `node ${node.name} exceeded ${node.limits.maxVisits} visits`;
      stopped = true;
      index += 1;
      continue;
    }
    const nodeSignal = AbortSignal.any([stopped && signal.aborted ? new AbortController().signal : signal, AbortSignal.timeout(node.limits.timeoutMs)]);
    services.emit('node-start', { node: node.name, kind: node.kind, round: visit });
    const started = performance.now();
    let outcome: NodeOutcome;
    try {
      outcome = await node.run({ state, services, signal: nodeSignal, visit, limits: node.limits });
    } catch (error) {
      if (signal.aborted && !stopped) {
        abortError = error;
        outcome = { status: 'failed', note: 'cancelled' };
      } else if (nodeSignal.aborted && !signal.aborted) {
        outcome = { status: 'failed', note: `exceeded its time limit of ${node.limits.timeoutMs < 1000 ? `${node.limits.timeoutMs} ms` : `${Math.round(node.limits.timeoutMs / 1000)} s`}` };
      } else {
        // A node's unexpected failure (the model went away, git refused) ends the run, but clean-up still runs.
        outcome = { status: 'failed', note: error instanceof Error ? error.message : String(error) };
      }
    }
    const durationMs = Math.round(performance.now() - started);
    records.push({ node: node.name, round: visit, status: outcome.status, durationMs });
    services.emit('node-end', { node: node.name, kind: node.kind, round: visit, status: outcome.status, durationMs, ...(outcome.note ? { note: outcome.note } : {}) });
    if (outcome.status === 'failed' && outcome.next === undefined) {
      state.failure ??= `${node.name}: ${outcome.note ?? 'failed'}`;
      stopped = true;
    }
    const jump = outcome.next === undefined || stopped ? undefined : outcome.next;
    if (jump === 'end') stopped = true;
    const target = jump === undefined || jump === 'end' ? -1 : blueprint.nodes.findIndex((candidate) => candidate.name === jump);
    index = target >= 0 ? target : index + 1;
  }
  if (abortError !== undefined) throw abortError;
  return records;
}
