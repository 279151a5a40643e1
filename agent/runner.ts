// createAgentRunner: the agent as the server and the CLI see it. A run checks its
// inputs and connects its models before touching the repository, then executes the
// blueprint and folds the state into a TaskResult; every step is an event.
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MinionsError, type TaskRequest, type TaskRunner } from '../schemas/index.js';
import { validateBlueprint } from './blueprint-routes.js';
import { runBlueprint, type Blueprint, type NodeServices } from './blueprint.js';
import { defaultBlueprint } from './default-blueprint.js';
import { bubblewrapNetwork, commandIsolation, unsandboxedRefusal } from './command-network.js';
import { typedEmit, type Emit } from './events.js';
import type { Publisher } from './forge.js';
import { resolveLimits, type AgentLimits, type LimitOverrides } from './limits.js';
import type { RetryPolicy } from './model/model-retry.js';
import { connectModel, type ChatModel, type ModelClientOptions } from './model/ollama-model.js';
import { connectReviewer, reviewSettings, type ReviewOption } from './review/review-settings.js';
import { initialState, type RunState } from './run-state.js';
import { taskResult } from './task-result.js';
import type { CodeSearch } from './tools/tool.js';
import { branchExists, repositoryRoot, resolveCommit } from './workspace/git.js';
import { snapshotWorkingTree, uncommittedChanges } from './workspace/checkout.js';
import { continuationPoint } from './workspace/continuation.js';
import { earlierAttempt } from './workspace/retry-attempt.js';
import { createLauncher } from './workspace/command-launch.js';
import { createBubblewrapSandbox, type CommandSandbox } from './workspace/command-sandbox.js';
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
  /** Sampling temperature of the models (a task's `temperature` overrides it); unset: the Modelfile's, else 0.2. */
  temperature?: number;
  /** Retries of transient model faults (attempts, backoff, an injectable sleep); 3 attempts from about 1 s by default. */
  modelRetry?: Partial<RetryPolicy>;
  /** num_ctx of every model (a task's `numCtx` overrides it); by default the Modelfile's, else the model's up to `maxContextLength`. */
  numCtx?: number;
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
  /** Delivery to the forge (the publish node): the repositories' remotes, credentials and forge clients. Unset: publish skips. */
  publisher?: Publisher;
  /**
   * The reviewer node: `enabled` (default: on when `model` is set), `model` (default: the
   * task's model), `policy` for severe findings (default `fix`). A task's `review`,
   * `reviewModel` and `reviewPolicy` win.
   */
  review?: ReviewOption;
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
      const continuation = task.request.continueFrom;
      // A retry (the queue lost the worker of an earlier attempt) takes the task's own branch again: one task, one branch.
      const retrying = (task.attempt ?? 1) > 1;
      const base = continuation?.branch ?? task.request.base ?? 'HEAD';
      const start = continuation === undefined ? await startingPoint(repoRoot, base, task.request.fromWorkingTree === true, signal) : await continuationPoint(repoRoot, task.request, signal, retrying);
      const { baseCommit } = start;
      const probe = await commandSandbox.probe(signal);
      if (!probe.available && options.allowUnsandboxedCommands !== true) throw unsandboxedRefusal(probe.reason);
      const policy = options.commandNetwork ?? 'isolated';
      const network = probe.available ? bubblewrapNetwork(policy, probe) : await commandIsolation(policy, sandbox, signal);
      if (network.refused) {
        emit('network-check', network.event);
        throw network.refused;
      }
      const models = await connectModels(options, blueprint, task.request, limits.maxContextLength, signal);
      const reviewing = reviewSettings(options.review, task.request, options);
      const reviewer = await connectReviewer(reviewing, blueprint, models, (model) => connectModel(modelOptions(options, model, limits.maxContextLength, task.request.temperature ?? options.temperature, task.request.numCtx ?? options.numCtx), signal));
      let branch = continuation?.branch ?? branchName(task.id, task.request.prompt);
      for (let suffix = 2; continuation === undefined && !retrying && (await branchExists(repoRoot, branch, signal)); suffix += 1) branch = `${branchName(task.id, task.request.prompt)}-${suffix}`;
      const state = initialState(task.id, task.request, repoRoot, branch, baseCommit);
      if (retrying) state.retry = await earlierAttempt(repoRoot, branch, baseCommit, signal);
      state.base = base;
      state.checkout = start.checkout;
      const launcher = await createLauncher({ probe, networkPrefix: network.prefix, isolateNetwork: network.event.isolated, repoRoot, memoryCapBytes: options.commandMemoryBytes ?? defaultCommandMemoryBytes, signal });
      const named = [...models, ...(reviewer ? [['review', reviewer.model] as const] : [])];
      emit('run-start', { taskId: task.id, repo: repoRoot, base, branch, models: Object.fromEntries(named.map(([node, model]) => [node, model.info.name])), blueprint: blueprint.name });
      emit('network-check', network.event);
      emit('checkout-check', { ...start.checkout, commit: baseCommit });
      // The models load while prepare and context work; the first model turn waits for them.
      const loading = new AbortController();
      const modelsLoaded = preloadModels(models, emit, AbortSignal.any([signal, loading.signal]));
      const services = { ...nodeServices(options, limits, emit, models), commandLauncher: launcher, modelsLoaded, ...(reviewer ? { reviewer } : {}) };
      let records;
      try {
        records = await runBlueprint(blueprint, state, services, signal);
      } catch (error) {
        if (signal.aborted) {
          emit('run-end', { outcome: 'cancelled', reason: 'cancelled', branch: state.branchDeleted ? null : branch, commit: null, rounds: state.rounds, tokens: state.tokens, wallMs: Math.round(performance.now() - started), nodes: [] });
        }
        throw error;
      } finally {
        loading.abort();
      }
      const result = taskResult(state, Math.round(performance.now() - started));
      emit('run-end', { outcome: result.outcome, ...(result.reason ? { reason: result.reason } : {}), branch: result.branch, commit: result.commit, rounds: result.rounds, tokens: result.tokens, wallMs: result.wallMs, nodes: records });
      return result;
    },
  };
}

/** The memory cap of each command unless configured: enough for a large test suite, not for a runaway one. */
export const defaultCommandMemoryBytes = 4 * 1024 ** 3;

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
    ...(options.publisher === undefined ? {} : { publisher: options.publisher }),
  };
}

/** The baselines cache of the runner's services (absent when switched off). */
function baselines(options: AgentRunnerOptions): { baselinesDir?: string } {
  if (options.baselinesDir === null) return {};
  return { baselinesDir: options.baselinesDir ?? (options.worktreesDir === undefined ? join(tmpdir(), 'minions-baselines') : join(dirname(options.worktreesDir), 'baselines')) };
}

/**
 * The commit a task starts from, and the user's uncommitted changes: named whenever the
 * base is HEAD (the task would silently not see them), and taken in as a snapshot commit
 * when the task asks to start from the working tree.
 */
async function startingPoint(root: string, base: string, fromWorkingTree: boolean, signal: AbortSignal): Promise<{ baseCommit: string; checkout: RunState['checkout'] }> {
  const [baseCommit, head] = await Promise.all([resolveCommit(root, base, signal), resolveCommit(root, 'HEAD', signal)]);
  if (fromWorkingTree && baseCommit !== head) throw new MinionsError('invalid-argument', `fromWorkingTree starts from HEAD and the uncommitted changes of the checkout; it cannot start from "${base}" (${baseCommit.slice(0, 12)}), which is not HEAD.`);
  const uncommitted = baseCommit === head ? await uncommittedChanges(root, signal) : [];
  if (!fromWorkingTree || uncommitted.length === 0) return { baseCommit, checkout: { uncommitted, included: false } };
  return { baseCommit: await snapshotWorkingTree(root, head, signal), checkout: { uncommitted, included: true } };
}

/**
 * Loads each distinct model (one at a time: loading two at once only competes for the
 * same memory), with a `model-load` event when it starts and when it ends. Resolves when
 * all are loaded; rejects with the first failure (already worded and retried). It never
 * rejects unhandled: the first model turn awaits it.
 */
function preloadModels(models: ReadonlyMap<string, ChatModel>, emit: Emit, signal: AbortSignal): Promise<void> {
  const distinct = [...new Set(models.values())];
  const loaded = (async () => {
    for (const model of distinct) {
      emit('model-load', { model: model.info.name, phase: 'start' });
      const load = await model.preload(signal, {
        onRetry: (retry) => emit('model-retry', { node: 'prepare', model: model.info.name, attempt: retry.attempt, attempts: retry.attempts, kind: retry.fault.kind, reason: retry.fault.detail, delayMs: retry.delayMs }),
      });
      emit('model-load', { model: model.info.name, phase: 'end', durationMs: load.durationMs, alreadyLoaded: load.alreadyLoaded ?? null });
    }
  })();
  loaded.catch(() => undefined);
  return loaded;
}

/** Connects the model of every agentic node (each distinct model once), before anything is changed. */
async function connectModels(options: AgentRunnerOptions, blueprint: Blueprint, request: TaskRequest, maxContextLength: number, signal: AbortSignal): Promise<Map<string, ChatModel>> {
  const byName = new Map<string, Promise<ChatModel>>();
  const models = new Map<string, ChatModel>();
  const temperature = request.temperature ?? options.temperature;
  const numCtx = request.numCtx ?? options.numCtx;
  for (const node of blueprint.nodes) {
    // The reviewer is connected on its own (connectReviewer): it is neither preloaded nor counted in the agent's context.
    if (node.kind !== 'agentic' || node.name === 'review') continue;
    const name = options.nodeModels?.[node.name] ?? request.model ?? options.model;
    if (!byName.has(name)) {
      const connection = connectModel(modelOptions(options, name, maxContextLength, temperature, numCtx), signal);
      connection.catch(() => undefined);
      byName.set(name, connection);
    }
    models.set(node.name, await (byName.get(name) as Promise<ChatModel>));
  }
  return models;
}

/** The options of `connectModel` for a model of the run. */
function modelOptions(options: AgentRunnerOptions, model: string, maxContextLength: number, temperature: number | undefined, numCtx: number | undefined): ModelClientOptions {
  return {
    host: options.ollamaHost, model, maxContextLength,
    ...(numCtx === undefined ? {} : { numCtx }),
    ...(options.keepAlive === undefined ? {} : { keepAlive: options.keepAlive }),
    ...(options.modelLoadTimeoutMs === undefined ? {} : { firstChunkTimeoutMs: options.modelLoadTimeoutMs }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(options.modelRetry === undefined ? {} : { retry: options.modelRetry }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
}
