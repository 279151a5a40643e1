// createAgentRunner: the agent as the server and the CLI see it. A run checks its
// inputs and connects its models before touching the repository, then executes the
// blueprint and folds the state into a TaskResult; every step is an event.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MinionsError, type TaskResult, type TaskRunner } from '../schemas/index.js';
import { validateBlueprint } from './blueprint-routes.js';
import { runBlueprint, type Blueprint, type NodeServices } from './blueprint.js';
import { defaultBlueprint } from './default-blueprint.js';
import { typedEmit, type AgentEventMap, type Emit } from './events.js';
import { resolveLimits, type AgentLimits, type LimitOverrides } from './limits.js';
import { connectModel, type ChatModel } from './model/ollama-model.js';
import { initialState, type RunState } from './run-state.js';
import type { CodeSearch } from './tools/tool.js';
import { branchExists, repositoryRoot, resolveCommit } from './workspace/git.js';
import { createLauncher } from './workspace/command-launch.js';
import { createBubblewrapSandbox, type CommandSandbox, type SandboxProbe } from './workspace/command-sandbox.js';
import { createUnshareSandbox, type CommandNetworkPolicy, type NetworkSandbox } from './workspace/network-sandbox.js';
import { scrubbedEnvironment } from '../platform/index.js';

/** Options of `createAgentRunner`. */
export interface AgentRunnerOptions {
  /** The Ollama server, e.g. `http://127.0.0.1:11434`. */
  ollamaHost: string;
  /** The default model of the agentic nodes (a task's `model` overrides it). */
  model: string;
  /** Code search over the repository's index, wired in by the server. */
  search: CodeSearch;
  limits?: LimitOverrides;
  /** A model per node name (e.g. `{ fix: 'qwen3-coder:30b' }`), over the task's and the default model. */
  nodeModels?: Record<string, string>;
  /** Where worktrees are made; defaults to `<tmpdir>/minions-worktrees`. */
  worktreesDir?: string;
  /**
   * Where the checks' outcomes on base commits are cached (one small JSON file per commit
   * and check commands); defaults to `baselines` beside `worktreesDir` (`<tmpdir>/minions-baselines`
   * without one); null: never cached.
   */
  baselinesDir?: string | null;
  /** Extra protected globs and run_command prefixes. */
  protectedPaths?: readonly string[];
  allowedCommands?: readonly string[];
  /** The environment commands start from (scrubbed); defaults to `process.env`. */
  environment?: NodeJS.ProcessEnv;
  /** Ollama `keep_alive`; defaults to `30m`. */
  keepAlive?: string | number;
  /** Longest wait for a model's first streamed chunk (loading); defaults to 10 minutes. */
  modelLoadTimeoutMs?: number;
  /** Blueprints by name besides `default`. */
  blueprints?: Record<string, Blueprint>;
  fetch?: typeof fetch;
  /**
   * Network of the run's commands (run_command, checks): `isolated` (the default) runs them
   * in a network namespace and refuses the run where there is none; `isolated-if-available`
   * runs them with network there (the trace says so); `allowed` never isolates.
   */
  commandNetwork?: CommandNetworkPolicy;
  /** How commands are isolated from the network where bubblewrap is unavailable; defaults to `unshare` from util-linux. */
  networkSandbox?: NetworkSandbox;
  /** The filesystem sandbox of every command; defaults to bubblewrap. */
  commandSandbox?: CommandSandbox;
  /** Run commands without the sandbox where bubblewrap cannot run, instead of refusing the run. */
  allowUnsandboxedCommands?: boolean;
  /** RLIMIT_DATA of each command in bytes; 0 for none. Defaults to 4 GiB. */
  commandMemoryBytes?: number;
}

/** `minions/<task-id>-<slug>` where the slug is the first words of the task. */
export function branchName(taskId: string, prompt: string): string {
  const slug = prompt.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim().split(' ').slice(0, 6).join('-').slice(0, 40).replace(/-+$/, '');
  const id = taskId.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'task';
  return `minions/${id}${slug ? `-${slug}` : ''}`;
}

/** The agent: a TaskRunner that runs a blueprint per task. */
export function createAgentRunner(options: AgentRunnerOptions): TaskRunner {
  const limits = resolveLimits(options.limits);
  const sandbox = options.networkSandbox ?? createUnshareSandbox();
  const commandSandbox = options.commandSandbox ?? createBubblewrapSandbox();
  return {
    async run(task, { signal, emit: rawEmit }) {
      const started = performance.now();
      const emit = typedEmit(rawEmit);
      const blueprint = task.request.blueprint === undefined || task.request.blueprint === 'default' ? defaultBlueprint(limits) : options.blueprints?.[task.request.blueprint];
      if (blueprint === undefined) throw new MinionsError('invalid-argument', `Unknown blueprint "${task.request.blueprint}"; known: default${Object.keys(options.blueprints ?? {}).map((name) => `, ${name}`).join('')}.`);
      validateBlueprint(blueprint);
      const repoRoot = await repositoryRoot(task.root, signal);
      const base = task.request.base ?? 'HEAD';
      const baseCommit = await resolveCommit(repoRoot, base, signal);
      const probe = await commandSandbox.probe(signal);
      if (!probe.available && options.allowUnsandboxedCommands !== true) throw unsandboxedRefusal(probe.reason);
      const policy = options.commandNetwork ?? 'isolated';
      const network = probe.available ? bubblewrapNetwork(policy, probe) : await commandIsolation(policy, sandbox, signal);
      if (network.refused) {
        emit('network-check', network.event);
        throw network.refused;
      }
      const models = await connectModels(options, blueprint, task.request.model, limits.maxContextLength, signal);
      let branch = branchName(task.id, task.request.prompt);
      for (let suffix = 2; await branchExists(repoRoot, branch, signal); suffix += 1) branch = `${branchName(task.id, task.request.prompt)}-${suffix}`;
      const state = initialState(task.id, task.request, repoRoot, branch, baseCommit);
      const launcher = await createLauncher({ probe, networkPrefix: network.prefix, isolateNetwork: network.event.isolated, repoRoot, memoryCapBytes: options.commandMemoryBytes ?? defaultCommandMemoryBytes, signal });
      const services = { ...nodeServices(options, limits, emit, models), commandLauncher: launcher };
      emit('run-start', { taskId: task.id, repo: repoRoot, base, branch, models: Object.fromEntries([...models].map(([node, model]) => [node, model.info.name])), blueprint: blueprint.name });
      emit('network-check', network.event);
      let records;
      try {
        records = await runBlueprint(blueprint, state, services, signal);
      } catch (error) {
        if (signal.aborted) {
          emit('run-end', { outcome: 'cancelled', reason: 'cancelled', branch, commit: null, rounds: state.rounds, tokens: state.tokens, wallMs: Math.round(performance.now() - started), nodes: [] });
        }
        throw error;
      }
      const result = taskResult(state, Math.round(performance.now() - started));
      emit('run-end', { outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}), branch, commit: result.commit, rounds: result.rounds, tokens: result.tokens, wallMs: result.wallMs, nodes: records });
      return result;
    },
  };
}

/** How a run's commands start, the trace event that says so, and the refusal when isolation is required but missing. */
interface NetworkDecision {
  prefix: readonly string[];
  event: AgentEventMap['network-check'];
  refused?: MinionsError;
}

/** The memory cap of each command unless configured: enough for a large test suite, not for a runaway one. */
export const defaultCommandMemoryBytes = 4 * 1024 ** 3;

/** The refusal of a run whose commands could not be sandboxed: the reason and the fixes. */
function unsandboxedRefusal(reason: string): MinionsError {
  return new MinionsError(
    'agent-unavailable',
    `Agent commands run in a bubblewrap sandbox, but ${reason}. Install bubblewrap (apt-get install bubblewrap) and, when not running as root, allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1, or kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu); or run commands unsandboxed explicitly (--allow-unsandboxed-commands or MINIONS_ALLOW_UNSANDBOXED_COMMANDS=1).`,
  );
}

/** The network of commands under bubblewrap: its own namespace (loopback only) unless the network is allowed. */
function bubblewrapNetwork(policy: CommandNetworkPolicy, probe: Extract<SandboxProbe, { available: true }>): NetworkDecision {
  if (policy === 'allowed') return { prefix: [], event: { isolated: false, method: null, loopback: true, allowed: true, note: 'commands may use the network (privacy mode is off)' } };
  return { prefix: [], event: { isolated: true, method: `${probe.method} --unshare-net`, loopback: true, allowed: true, note: 'commands run in a network namespace with only loopback' } };
}

/** Decides how the run's commands reach the network (probing the sandbox unless the network is allowed). */
async function commandIsolation(policy: CommandNetworkPolicy, sandbox: NetworkSandbox, signal: AbortSignal): Promise<NetworkDecision> {
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

/** The services every node of a run shares. */
function nodeServices(options: AgentRunnerOptions, limits: AgentLimits, emit: Emit, models: ReadonlyMap<string, ChatModel>): NodeServices {
  return {
    search: options.search,
    limits,
    emit,
    model(node) {
      const model = models.get(node);
      if (model === undefined) throw new Error(`no model connected for node ${node}`);
      return model;
    },
    contextLength: Math.min(limits.maxContextLength, ...[...models.values()].map((model) => model.info.numCtx)),
    protectedPaths: options.protectedPaths ?? [],
    allowedCommands: options.allowedCommands ?? [],
    env: scrubbedEnvironment(options.environment ?? process.env),
    worktreesDir: options.worktreesDir ?? join(tmpdir(), 'minions-worktrees'),
    ...baselines(options),
  };
}

/** The baselines cache of the runner's services (absent when switched off). */
function baselines(options: AgentRunnerOptions): { baselinesDir?: string } {
  if (options.baselinesDir === null) return {};
  return { baselinesDir: options.baselinesDir ?? (options.worktreesDir === undefined ? join(tmpdir(), 'minions-baselines') : join(dirname(options.worktreesDir), 'baselines')) };
}

/** Folds a finished run's state into the TaskResult. */
function taskResult(state: RunState, wallMs: number): TaskResult {
  return {
    outcome: state.failure === undefined && state.commit !== null ? 'succeeded' : 'failed',
    ...(state.failure === undefined ? {} : { reason: state.failure }),
    branch: state.branch,
    commit: state.commit,
    diff: state.diff,
    prTitle: state.prTitle,
    prBody: state.prBody,
    checks: state.checks,
    guardrails: { passed: state.guardrails?.passed ?? false, violations: state.guardrails?.violations ?? [] },
    rounds: state.rounds,
    tokens: state.tokens,
    wallMs,
    ...(state.notCommitted.length > 0 ? { notCommitted: state.notCommitted } : {}),
    ...(state.warnings.length > 0 ? { warnings: state.warnings } : {}),
  };
}

/** Connects the model of every agentic node (each distinct model once), before anything is changed. */
async function connectModels(options: AgentRunnerOptions, blueprint: Blueprint, taskModel: string | undefined, maxContextLength: number, signal: AbortSignal): Promise<Map<string, ChatModel>> {
  const byName = new Map<string, Promise<ChatModel>>();
  const models = new Map<string, ChatModel>();
  for (const node of blueprint.nodes) {
    if (node.kind !== 'agentic') continue;
    const name = options.nodeModels?.[node.name] ?? taskModel ?? options.model;
    if (!byName.has(name)) {
      const connection = connectModel(
        { host: options.ollamaHost, model: name, maxContextLength, ...(options.keepAlive === undefined ? {} : { keepAlive: options.keepAlive }), ...(options.modelLoadTimeoutMs === undefined ? {} : { firstChunkTimeoutMs: options.modelLoadTimeoutMs }), ...(options.fetch ? { fetch: options.fetch } : {}) },
        signal,
      );
      connection.catch(() => undefined);
      byName.set(name, connection);
    }
    models.set(node.name, await (byName.get(name) as Promise<ChatModel>));
  }
  return models;
}
