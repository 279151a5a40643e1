// Runs every task of a suite with every model, each run isolated (its own copy of the
// repository as a git repository, its own data directory), up to `parallel` at once:
// the agent as `minions run` runs it, then the verification on what it committed.
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openIndex, type CodeIndex, type EmbedderProvider } from '../../indexer/index.js';
import { isAbortError } from '../../platform/index.js';
import type { AgentEvent, EvalRun, EvalTask, TaskResult } from '../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../agent-wiring.js';
import { loadConfig, type ConfigOptions } from '../config.js';
import { prepareTaskRepository } from './sources.js';
import type { LoadedSuite } from './suite.js';
import { verifyCommit, type VerificationSandbox } from './verify.js';

/** Whether each copy is indexed before its run: `none` (the agent greps) or `full` (the configured embedder, shared). */
export type EvalIndexMode = 'none' | 'full';

/** What a suite run needs. */
export interface RunSuiteOptions {
  suite: LoadedSuite;
  models: readonly string[];
  /** Runs at once (at least 1). */
  parallel: number;
  index: EvalIndexMode;
  /** The embedder `full` indexes with, one for all runs; unused with `none`. */
  embedder?: EmbedderProvider | undefined;
  /** Configuration as `minions run` reads it (environment and options); each run gets its own data directory. */
  env: NodeJS.ProcessEnv;
  config: ConfigOptions;
  cwd: string;
  temperature?: string | undefined;
  numCtx?: string | undefined;
  sandbox: VerificationSandbox;
  /** Scratch folder of the runs (each in a folder of its own, removed after it unless `keep`). */
  workDir: string;
  cacheDir: string;
  keep?: boolean;
  signal: AbortSignal;
  /** Called as each run starts and ends (progress). */
  onStart?: (task: EvalTask, model: string) => void;
  onRun?: (run: EvalRun) => void;
  /** Every agent event of every run, with the task and model it belongs to. */
  onEvent?: (task: EvalTask, model: string, event: AgentEvent) => void;
}

/** Runs the suite; the runs in suite order, model by model. */
export async function runSuite(options: RunSuiteOptions): Promise<EvalRun[]> {
  const jobs = options.models.flatMap((model) => options.suite.suite.tasks.map((task) => ({ task, model })));
  const runs: EvalRun[] = new Array<EvalRun>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let job = next++; job < jobs.length; job = next++) {
      const { task, model } = jobs[job] as { task: EvalTask; model: string };
      options.signal.throwIfAborted();
      options.onStart?.(task, model);
      const run = await runOne(task, model, options);
      runs[job] = run;
      options.onRun?.(run);
    }
  };
  // Every worker settles before the first failure (a cancellation) is thrown: none still writes into the scratch folder then.
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(options.parallel, jobs.length)) }, worker));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
  return runs;
}

/** One task with one model, from a fresh copy to its verification; failures of the agent and of the copy are results. */
async function runOne(task: EvalTask, model: string, options: RunSuiteOptions): Promise<EvalRun> {
  const folder = join(options.workDir, `${task.id}-${model.replace(/[^\w.-]+/g, '_')}-${randomUUID().slice(0, 8)}`);
  const repo = join(folder, 'repo');
  const started = performance.now();
  try {
    await mkdir(folder, { recursive: true });
    const base = await prepareTaskRepository(task, repo, { suiteFolder: options.suite.folder, cacheDir: options.cacheDir, environment: options.env, signal: options.signal });
    const { result, error } = await runAgent(task, model, repo, join(folder, 'data'), options).then(
      (value) => ({ result: value, error: undefined }),
      (failure: unknown) => ({ result: undefined, error: failure }),
    );
    if (error !== undefined && (isAbortError(error) || options.signal.aborted)) throw error;
    const commit = result?.commit ?? null;
    const verification = await verifyCommit({ repoRoot: repo, commit: commit ?? base, verification: task.verify, suiteFolder: options.suite.folder, sandbox: options.sandbox, environment: options.env, scratch: join(folder, 'verify'), signal: options.signal });
    const reason = error !== undefined ? describe(error) : result?.reason;
    return {
      task: task.id,
      model,
      verified: verification.passed,
      outcome: result?.outcome ?? 'error',
      ...(reason === undefined ? {} : { reason }),
      commit,
      rounds: result?.rounds ?? 0,
      tokens: result?.tokens ?? { input: 0, output: 0 },
      wallMs: Math.round(result?.wallMs ?? performance.now() - started),
      verification: { exitCode: verification.exitCode, durationMs: verification.durationMs, output: verification.output },
    };
  } catch (failure) {
    if (isAbortError(failure) || options.signal.aborted) throw failure;
    // The copy or the verification could not be made (npm unreachable, a failing setup): the task was not done.
    const output = describe(failure);
    return { task: task.id, model, verified: false, outcome: 'error', reason: output, commit: null, rounds: 0, tokens: { input: 0, output: 0 }, wallMs: Math.round(performance.now() - started), verification: { exitCode: null, durationMs: 0, output } };
  } finally {
    if (!options.keep) await rm(folder, { recursive: true, force: true });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The agent on the copy, as `minions run` wires it, with the run's own data directory. */
async function runAgent(task: EvalTask, model: string, repo: string, dataDir: string, options: RunSuiteOptions): Promise<TaskResult> {
  const config = loadConfig(options.env, { ...options.config, dataDir }, options.cwd);
  const settings = loadAgentSettings(options.env, config, { model, temperature: options.temperature, numCtx: options.numCtx });
  const index = await openRunIndex(dataDir, options);
  try {
    if (options.index === 'full') {
      const repository = await index.repository(repo, options.signal);
      const indexing = repository.index({ signal: options.signal });
      for (let step = await indexing.next(); !step.done; step = await indexing.next());
    }
    const runner = createRunner(settings, index, options.env);
    const request = { repo, prompt: task.prompt, model, ...(task.maxFixRounds === undefined ? {} : { maxFixRounds: task.maxFixRounds }) };
    return await runner.run({ id: randomUUID().slice(0, 8), request, root: repo }, { signal: options.signal, emit: (event) => options.onEvent?.(task, model, event) });
  } finally {
    await index.close();
  }
}

/** The run's own index (empty with `none`), sharing the suite's embedder, which it must not close. */
function openRunIndex(dataDir: string, options: RunSuiteOptions): Promise<CodeIndex> {
  const shared = options.embedder;
  const embedder: EmbedderProvider = {
    get: (signal) => (shared === undefined ? Promise.reject(new Error('no embedder: the eval runs without an index')) : shared.get(signal)),
    close: async () => undefined,
  };
  return openIndex({ dataDir, embedder });
}
