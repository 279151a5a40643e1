import type { AgentEmit, AgentEvent, TaskRequest, TaskResult, TaskRunner } from '../../schemas/index.js';

/** One call of `run`, as recorded. */
export interface RunnerCall {
  task: { id: string; request: TaskRequest; root: string };
  signal: AbortSignal;
  emit: AgentEmit;
}

/** A finished task's result with every field filled, for scripted runs. */
export function sampleResult(overrides: Partial<TaskResult> = {}): TaskResult {
  return {
    outcome: 'succeeded',
    branch: 'minions/task',
    commit: 'abc1234',
    diff: 'diff --git a/x b/x\n',
    prTitle: 'Do the thing',
    prBody: 'Does the thing.',
    checks: [{ name: 'test', command: 'npm test', exitCode: 0, passed: true, durationMs: 12, output: 'ok' }],
    guardrails: { passed: true, violations: [] },
    rounds: 1,
    tokens: { input: 100, output: 40 },
    wallMs: 5,
    ...overrides,
  };
}

/**
 * A `TaskRunner` test double: every run is recorded, emits a `node-start` event, then
 * waits for the test to `finish` or `fail` it (or, with `auto`, finishes at once). An
 * aborted run rejects with an AbortError, as the real agent does. Tests wait on
 * `started(n)`, never on timers.
 */
export class ScriptedRunner implements TaskRunner {
  readonly calls: RunnerCall[] = [];
  private readonly pending = new Map<string, { resolve: (result: TaskResult) => void; reject: (error: unknown) => void }>();
  private readonly waiters: { count: number; resolve: () => void }[] = [];

  constructor(private readonly options: { auto?: TaskResult; ignoreAbort?: boolean } = {}) {}

  run(task: RunnerCall['task'], context: { signal: AbortSignal; emit: RunnerCall['emit'] }): Promise<TaskResult> {
    this.calls.push({ task, signal: context.signal, emit: context.emit });
    context.emit({ type: 'node-start', data: { node: 'implement', kind: 'agentic', round: 0 } });
    for (const waiter of this.waiters.filter((entry) => this.calls.length >= entry.count)) waiter.resolve();
    if (this.options.auto) {
      context.emit({ type: 'node-end', data: { node: 'implement', kind: 'agentic', round: 0, status: 'ok', durationMs: 1 } });
      return Promise.resolve(this.options.auto);
    }
    return new Promise<TaskResult>((resolve, reject) => {
      this.pending.set(task.id, { resolve, reject });
      if (this.options.ignoreAbort) return;
      context.signal.addEventListener('abort', () => reject(new DOMException('The run was aborted.', 'AbortError')), { once: true });
    });
  }

  /** Resolves once `count` runs have started. */
  started(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Ids of the started runs, in start order. */
  get startedIds(): string[] {
    return this.calls.map((call) => call.task.id);
  }

  /** Emits an event from a running task, as the agent would. */
  emit(id: string, event: AgentEvent): void {
    this.call(id).emit(event);
  }

  /** Emits anything from a running task, as a runner written without the types could (a forged `task-end`, a malformed event). */
  emitUntyped(id: string, event: unknown): void {
    Reflect.apply(this.call(id).emit, undefined, [event]);
  }

  private call(id: string): RunnerCall {
    const call = this.calls.find((entry) => entry.task.id === id);
    if (!call) throw new Error(`no run for ${id}`);
    return call;
  }

  /** Ends a run with a result. */
  finish(id: string, result: TaskResult = sampleResult()): void {
    this.take(id).resolve(result);
  }

  /** Ends a run with an error. */
  fail(id: string, error: Error): void {
    this.take(id).reject(error);
  }

  private take(id: string): { resolve: (result: TaskResult) => void; reject: (error: unknown) => void } {
    const entry = this.pending.get(id);
    if (!entry) throw new Error(`no pending run for ${id}`);
    this.pending.delete(id);
    return entry;
  }
}
