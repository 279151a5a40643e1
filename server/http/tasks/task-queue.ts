import type { Logger } from 'pino';
import { Value } from '@sinclair/typebox/value';
import { AgentEvent, MinionsError, TaskResult, type Task, type TaskRunner } from '../../../schemas/index.js';
import { isAbortError } from '../../../platform/index.js';
import type { TaskDispatcher } from './task-dispatch.js';
import type { TaskStore } from './task-store.js';

/** What a `TaskQueue` needs. */
export interface TaskQueueOptions {
  store: TaskStore;
  /** The agent; undefined when none is wired (creating tasks then answers `agent-unavailable`). */
  runner: TaskRunner | undefined;
  /** Tasks run at once. */
  concurrency: number;
  /** Tasks that may wait; one more is `queue-full`. */
  maxQueue: number;
  /** How long `close` waits for aborted runners before ending their tasks itself. */
  graceMs: number;
  log: Logger;
}

/** Why a running task's signal was aborted. */
type StopReason = 'cancel' | 'shutdown';

/**
 * A first-in-first-out queue in front of the runner, with a concurrency limit and a
 * bounded number of waiting tasks. Cancel removes a waiting task or aborts a running
 * one (`cancelled`); shutdown aborts running ones (`interrupted`, as after a crash)
 * and leaves waiting ones queued in their logs, to run after a restart.
 */
export class TaskQueue implements TaskDispatcher {
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private admitting = 0;
  private closed = false;
  private readonly recentWallMs: number[] = [];

  constructor(private readonly options: TaskQueueOptions) {}

  /** Whether tasks can run at all. */
  get available(): boolean {
    return this.options.runner !== undefined;
  }

  /** Waiting and running counts. */
  get sizes(): { waiting: number; running: number } {
    return { waiting: this.waiting.length + this.admitting, running: this.running.size };
  }

  /**
   * Creates a task through `create` if the queue has room, and queues it. A full
   * queue is `queue-full` with `retryAfterSeconds` in the details; no task is created.
   */
  async admit(create: () => Promise<Task>): Promise<Task> {
    if (!this.options.runner) throw new MinionsError('agent-unavailable', 'No agent is configured on this server, so tasks cannot run.');
    if (this.closed) throw new MinionsError('agent-unavailable', 'The server is shutting down.');
    if (this.waiting.length + this.admitting >= this.options.maxQueue) {
      throw new MinionsError('queue-full', `The task queue is full (${this.options.maxQueue} waiting); retry later.`, { details: { retryAfterSeconds: this.retryAfter() } });
    }
    this.admitting++;
    try {
      const task = await create();
      this.waiting.push(task.id);
      return task;
    } finally {
      this.admitting--;
      this.pump();
    }
  }

  /** Queues tasks found queued on startup, in the given (oldest first) order. */
  resume(ids: readonly string[]): void {
    if (!this.options.runner) return;
    this.waiting.push(...ids);
    this.pump();
  }

  /** Cancels a task: a waiting one ends now, a running one is aborted. False when it already ended. */
  cancel(id: string): boolean {
    const { store } = this.options;
    const index = this.waiting.indexOf(id);
    if (index !== -1) {
      this.waiting.splice(index, 1);
      store.append(id, { type: 'task-cancel', data: {} });
      store.end(id, { status: 'cancelled' });
      return true;
    }
    const running = this.running.get(id);
    if (running) {
      if (!running.controller.signal.aborted) {
        store.append(id, { type: 'task-cancel', data: {} });
        running.controller.abort('cancel' satisfies StopReason);
      }
      return true;
    }
    return false;
  }

  /** Stops starting tasks, aborts running ones and waits (up to the grace period) for their ends. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    for (const { controller } of this.running.values()) controller.abort('shutdown' satisfies StopReason);
    const all = Promise.all([...this.running.values()].map((entry) => entry.done));
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.graceMs)));
    await Promise.race([all, grace]);
    clearTimeout(timer);
    for (const id of this.running.keys()) this.options.store.end(id, { status: 'interrupted', error: 'The server stopped while the task was running.' });
  }

  /** Seconds a client should wait before retrying: the mean recent task time per running slot, bounded. */
  private retryAfter(): number {
    if (this.recentWallMs.length === 0) return 30;
    const mean = this.recentWallMs.reduce((sum, value) => sum + value, 0) / this.recentWallMs.length;
    return Math.min(3600, Math.max(1, Math.ceil(mean / 1000 / this.options.concurrency)));
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.options.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift();
      if (id === undefined) break;
      const controller = new AbortController();
      const entry = { controller, done: Promise.resolve() };
      this.running.set(id, entry);
      entry.done = this.run(id, controller.signal).finally(() => {
        this.running.delete(id);
        this.pump();
      });
    }
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const { store, runner, log } = this.options;
    const task = store.get(id);
    const root = store.root(id);
    if (!runner || !task || root === undefined) return;
    const started = performance.now();
    store.append(id, { type: 'task-start', data: {} });
    // The runner is typed, but its events go to disk and to every client: checked, so a
    // runner cannot forge a lifecycle event or write what the log reader would refuse.
    const emit = (event: unknown): void => {
      if (Value.Check(AgentEvent, event)) store.append(id, event);
      else log.warn({ task: id, type: typeof event === 'object' && event !== null && 'type' in event ? event.type : undefined }, 'the runner emitted an event that is not an AgentEvent; ignored');
    };
    try {
      const result = await runner.run({ id, request: task.request, root }, { signal, emit });
      if (!Value.Check(TaskResult, result)) {
        log.error({ task: id }, 'the runner returned a malformed result');
        store.end(id, { status: 'failed', error: 'The agent returned a malformed result.' });
        return;
      }
      store.end(id, { status: result.outcome, result, ...(result.reason ? { error: result.reason } : {}) });
    } catch (error) {
      if (signal.aborted) {
        store.end(id, signal.reason === 'cancel' ? { status: 'cancelled' } : { status: 'interrupted', error: 'The server stopped while the task was running.' });
      } else {
        if (!isAbortError(error)) log.error({ err: error, task: id }, 'task failed');
        store.end(id, { status: 'failed', error: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      this.recentWallMs.push(performance.now() - started);
      if (this.recentWallMs.length > 20) this.recentWallMs.shift();
    }
  }
}
