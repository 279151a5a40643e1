// Blueprints are data: an ordered list of nodes, each deterministic or agentic, all
// with one signature and their own limits. A node returns an outcome label and the
// blueprint's routes say where each label leads, which is how fix loops back to checks.
import { endRoute, failedLabel, failRoute, validateBlueprint, type ResolvedRoutes } from './blueprint-routes.js';
import type { Publisher } from './forge.js';
import type { CodeSearch } from './tools/tool.js';
import type { Emit } from './events.js';
import type { AgentLimits, LoopLimits } from './limits.js';
import type { ReviewPolicy } from '../schemas/index.js';
import type { ChatModel } from './model/ollama-model.js';
import type { RunState } from './run-state.js';
import type { CommandLauncher } from './workspace/command-launch.js';

/**
 * What a node reports: how it went (for events and records), the outcome label the
 * blueprint routes on, and an optional note for the trace.
 */
export interface NodeOutcome<Label extends string = string> {
  status: 'ok' | 'skipped' | 'failed';
  /** One of the node's declared `outcomes`; the blueprint's routes map it to the next node. */
  label: Label;
  note?: string;
}

/** The run-wide services a node may use. */
export interface NodeServices {
  search: CodeSearch;
  limits: AgentLimits;
  emit: Emit;
  /** The model of an agentic node (connected before the run starts). */
  model(node: string): ChatModel;
  /** The smallest context window (`num_ctx`) among the run's models: a prompt built for any agentic node fits it. */
  contextLength: number;
  /** Protected globs, extra allowed commands and environment of the run. */
  protectedPaths: readonly string[];
  allowedCommands: readonly string[];
  env: NodeJS.ProcessEnv;
  /** How the run's commands start: the bubblewrap sandbox, or (allowed explicitly) none. */
  commandLauncher?: CommandLauncher;
  worktreesDir: string;
  /**
   * Settles when the run's models are loaded (the runner starts loading them as the run
   * starts, so loading overlaps prepare and context); rejects with the load's failure.
   * Agentic nodes await it before their first turn.
   */
  modelsLoaded?: Promise<void>;
  /** Where the baselines (checks on a base commit) are cached; undefined: not cached. */
  baselinesDir?: string;
  /** Delivery to the forge (push, pull request), wired in by the server; undefined: publish skips. */
  publisher?: Publisher;
  /** The reviewer's model and the policy for severe findings; undefined: review is off for this run. */
  reviewer?: { model: ChatModel; policy: ReviewPolicy };
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
  /** The labels `run` returns; `failed` is implied (the engine's label for a throw, a time-out or a cancellation). */
  outcomes: readonly string[];
  /**
   * Where each label leads: a node of the blueprint, `'end'` (stop; clean-up still runs)
   * or `'fail'` (stop and record the node's failure). Unrouted `ok` and `skipped` go to
   * the following node, unrouted `failed` to `'fail'`; any other label needs a route.
   */
  routes?: Readonly<Record<string, string>>;
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

/** Runs one node under its time limit; a throw becomes a `failed` outcome (the abort of the run is kept in `abort`). */
async function runNode(node: BlueprintNode, context: NodeContext, runSignal: AbortSignal, stopped: boolean, abort: { error?: unknown }): Promise<NodeOutcome> {
  try {
    return await node.run(context);
  } catch (error) {
    if (runSignal.aborted && !stopped) {
      abort.error = error;
      return { status: 'failed', label: failedLabel, note: 'cancelled' };
    }
    if (context.signal.aborted && !runSignal.aborted) {
      const limit = node.limits.timeoutMs < 1000 ? `${node.limits.timeoutMs} ms` : `${Math.round(node.limits.timeoutMs / 1000)} s`;
      return { status: 'failed', label: failedLabel, note: `exceeded its time limit of ${limit}` };
    }
    // A node's unexpected failure (the model went away, git refused) ends the run, but clean-up still runs.
    return { status: 'failed', label: failedLabel, note: error instanceof Error ? error.message : String(error) };
  }
}

/** The target of an outcome; a label the blueprint does not route becomes a recorded failure. */
function routeOf(blueprint: Blueprint, routes: ResolvedRoutes, node: BlueprintNode, outcome: NodeOutcome): { outcome: NodeOutcome; target: string } {
  const target = node.outcomes.includes(outcome.label) || outcome.label === failedLabel ? routes.get(node.name)?.get(outcome.label) : undefined;
  if (target !== undefined) return { outcome, target };
  const note = `returned the outcome "${outcome.label}", which blueprint "${blueprint.name}" does not route${outcome.note ? ` (${outcome.note})` : ''}`;
  return { outcome: { status: 'failed', label: failedLabel, note }, target: failRoute };
}

/**
 * Checks the blueprint's routes (see `validateBlueprint`; an invalid one throws before
 * any node runs), then runs the nodes from the first, following the route of each
 * outcome label, each node under its own time limit. Stops at the end, at an `'end'`
 * or `'fail'` route, after too many visits, or on abort; `always` nodes after the
 * stopping point still run (with a fresh signal if the run was cancelled, so clean-up
 * can finish). Rethrows the abort after clean-up.
 */
export async function runBlueprint(blueprint: Blueprint, state: RunState, services: NodeServices, signal: AbortSignal): Promise<NodeRecord[]> {
  const routes = validateBlueprint(blueprint);
  const records: NodeRecord[] = [];
  const visits = new Map<string, number>();
  const abort: { error?: unknown } = {};
  let index = 0;
  let stopped = false;
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
    const ran = await runNode(node, { state, services, signal: nodeSignal, visit, limits: node.limits }, signal, stopped, abort);
    const { outcome, target } = routeOf(blueprint, routes, node, ran);
    const durationMs = Math.round(performance.now() - started);
    records.push({ node: node.name, round: visit, status: outcome.status, durationMs });
    services.emit('node-end', { node: node.name, kind: node.kind, round: visit, status: outcome.status, outcome: outcome.label, durationMs, ...(outcome.note ? { note: outcome.note } : {}) });
    if (target === failRoute) state.failure ??= `${node.name}: ${outcome.note ?? 'failed'}`;
    if (target === failRoute || target === endRoute) stopped = true;
    const jump = stopped ? -1 : blueprint.nodes.findIndex((candidate) => candidate.name === target);
    index = jump >= 0 ? jump : index + 1;
  }
  if ('error' in abort) throw abort.error;
  return records;
}
