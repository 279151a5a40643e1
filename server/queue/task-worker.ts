// `minions worker`'s engine: a BullMQ worker that runs the tasks of a server's queue with
// the agent and reports each task's start, events and end on the Redis stream the server
// reads. At-least-once delivery is made safe here: a job taken again after a lost worker
// is attempt 2 (a Redis counter), runs only while retries are left, and the agent then
// restarts the task's own branch instead of delivering a second time.
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { branchName } from '../../agent/index.js';
import type { Task, TaskRunner } from '../../schemas/index.js';
import { terminalStatuses, type TaskEnd } from '../http/tasks/task-fold.js';
import type { ServerClient } from '../server-client.js';
import type { RepositoryCache } from './repository-cache.js';
import { attemptsKey, cancelChannel, cancelKey, checkRedis, connectRedis, eventStream, queueName, taskKeySeconds, type RedisConnection, type TaskJob, type WorkerMessage } from './redis-connection.js';

/** What a worker needs. */
export interface TaskWorkerOptions {
  connection: RedisConnection;
  /** The agent, with code search through the server (or a local index). */
  runner: TaskRunner;
  /** The server's API: a task that ended meanwhile (cancelled, interrupted) is not run. */
  client: ServerClient;
  /** Tasks at once. */
  concurrency: number;
  /** How the worker names itself in `task-start` (`host:pid`). */
  name: string;
  /** BullMQ's lock of a running job (renewed every half); above the longest time the event loop may block. */
  lockMs: number;
  /** How often this worker checks for jobs whose worker was lost. */
  stalledCheckMs: number;
  /** The repository path on this machine for the server's path (the same one by default). */
  localRoot?: (serverRoot: string) => string;
  /** Clones of remotes (`--clone`): used instead of a local path for the repositories it names, the task's branch pushed back after. */
  clones?: RepositoryCache;
  log: Logger;
}

/** Why a running task's signal was aborted: a cancel, this worker stopping, or its lock lost (the job went to another worker). */
type StopReason = 'cancel' | 'shutdown' | 'lost';

/** One task running here; `lost` once its lock went to another worker: nothing more of it is sent from here. */
interface Run {
  controller: AbortController;
  lost: boolean;
}

/** A running `minions worker`: takes tasks until closed. */
export class TaskWorker {
  private readonly running = new Map<string, Run>();
  private worker: Worker<TaskJob> | undefined;

  private constructor(
    private readonly options: TaskWorkerOptions,
    private readonly commands: Redis,
    private readonly subscriber: Redis,
  ) {}

  /** Connects and starts taking tasks. */
  static async start(options: TaskWorkerOptions): Promise<TaskWorker> {
    const commands = connectRedis(options.connection, `minions-worker-${options.name}`);
    const subscriber = connectRedis(options.connection, `minions-worker-${options.name}-cancel`);
    const self = new TaskWorker(options, commands, subscriber);
    try {
      await checkRedis(commands, options.connection);
    } catch (error) {
      commands.disconnect();
      subscriber.disconnect();
      throw error;
    }
    subscriber.on('message', (_channel: string, id: string) => void self.cancelled(id));
    await subscriber.subscribe(cancelChannel);
    self.worker = new Worker<TaskJob>(queueName, (job, token) => self.process(job, token), {
      connection: options.connection,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.stalledCheckMs,
      // Runs after a lost worker are counted by the task's attempts key against the server's
      // --task-retries; BullMQ itself never fails a stalled job.
      maxStalledCount: 1000,
      name: options.name,
    });
    self.worker.on('error', (error) => options.log.error({ err: error }, 'queue worker error'));
    // An event loop blocked past the lock, or Redis out of reach: the stalled check gives the job to another
    // worker, so this run stops at once and reports nothing (the other attempt reports the task).
    self.worker.on('lockRenewalFailed', (ids) => {
      for (const id of ids) {
        const run = self.running.get(id);
        if (run === undefined) continue;
        options.log.warn({ task: id }, 'lost the lock of a running task; stopping it here');
        run.lost = true;
        run.controller.abort('lost' satisfies StopReason);
      }
    });
    await self.worker.waitUntilReady();
    return self;
  }

  /** Task ids running here. */
  get tasks(): string[] {
    return [...this.running.keys()];
  }

  /** Stops taking tasks; running ones are aborted and reported `interrupted`. */
  async close(): Promise<void> {
    for (const { controller } of this.running.values()) controller.abort('shutdown' satisfies StopReason);
    await this.worker?.close();
    this.subscriber.disconnect();
    this.commands.disconnect();
  }

  private cancelled(id: string): void {
    const controller = this.running.get(id)?.controller;
    if (controller === undefined) return;
    void this.commands.get(cancelKey(id)).then((reason) => controller.abort(reason === 'shutdown' ? 'shutdown' : 'cancel'), () => controller.abort('cancel'));
  }

  /** Appends a message to the server's stream; messages of one connection arrive in the order sent. */
  private publish(message: WorkerMessage): Promise<unknown> {
    const sent = this.commands.xadd(eventStream, '*', 'body', JSON.stringify(message));
    sent.catch((error: unknown) => this.options.log.error({ err: error, task: message.task }, 'could not send a task message to the server'));
    return sent;
  }

  private async process(job: Job<TaskJob>, token: string | undefined): Promise<void> {
    const { taskId, retries } = job.data;
    const attempt = await this.commands.incr(attemptsKey(taskId));
    await this.commands.expire(attemptsKey(taskId), taskKeySeconds);
    const refusal = await this.refusal(taskId, attempt, retries);
    if (refusal === 'skip') return;
    if (refusal !== undefined) {
      await this.publish({ kind: 'end', task: taskId, end: refusal });
      return;
    }
    const run: Run = { controller: new AbortController(), lost: false };
    this.running.set(taskId, run);
    const send = (message: WorkerMessage): Promise<unknown> => (run.lost ? Promise.resolve() : this.publish(message));
    try {
      void send({ kind: 'start', task: taskId, attempt, worker: this.options.name });
      const end = await this.run(job.data, attempt, run.controller.signal, send);
      // The end decides the task: sent only while this worker still holds the job (a stall may have given it away since the last renewal).
      if (token !== undefined && !(await this.holdsLock(job, token))) {
        this.options.log.warn({ task: taskId }, 'the job went to another worker while this one ran it; its end is not sent');
        run.lost = true;
      }
      await send({ kind: 'end', task: taskId, end });
    } finally {
      if (this.running.get(taskId) === run) this.running.delete(taskId);
    }
  }

  /** Whether this worker still holds the job's lock (renewing it once more). */
  private async holdsLock(job: Job<TaskJob>, token: string): Promise<boolean> {
    return job.extendLock(token, this.options.lockMs).then((extended) => extended === 1, () => false);
  }

  /** Why a job is not run: its task ended already ('skip'), was cancelled meanwhile, or has no retry left. */
  private async refusal(taskId: string, attempt: number, retries: number): Promise<TaskEnd | 'skip' | undefined> {
    const task = await this.options.client.request<Task>('GET', `/v1/tasks/${encodeURIComponent(taskId)}`, { signal: AbortSignal.timeout(10_000) }).catch((error: unknown) => {
      this.options.log.warn({ err: error, task: taskId }, 'could not ask the server about the task; running it');
      return undefined;
    });
    if (task !== undefined && terminalStatuses.has(task.status)) return 'skip';
    const cancel = await this.commands.get(cancelKey(taskId));
    if (cancel === 'shutdown') return { status: 'interrupted', error: 'The server stopped while the task was running.' };
    if (cancel !== null) return { status: 'cancelled' };
    if (attempt > retries + 1) return { status: 'interrupted', error: `The worker running the task was lost ${attempt - 1} time(s) and no retry is left (--task-retries ${retries}).` };
    return undefined;
  }

  private async run(job: TaskJob, attempt: number, signal: AbortSignal, send: (message: WorkerMessage) => Promise<unknown>): Promise<TaskEnd> {
    const { taskId, request, root } = job;
    const { clones } = this.options;
    try {
      const emit = (event: unknown): void => void send({ kind: 'event', task: taskId, event });
      const clone = await clones?.prepare(root, request.continueFrom?.branch ?? branchName(taskId, request.prompt), signal);
      const result = await this.options.runner.run({ id: taskId, request, root: clone ?? this.options.localRoot?.(root) ?? root, attempt }, { signal, emit });
      if (clones !== undefined && clone !== undefined && result.commit !== null && result.branch !== null) {
        const pushed = await clones.push(clone, result.branch, signal).then(() => undefined, (error: unknown) => (error instanceof Error ? error.message : String(error)));
        if (pushed !== undefined) return { status: 'failed', result, error: `The branch ${result.branch} could not be pushed to the remote: ${pushed}` };
      }
      return { status: result.outcome, result, ...(result.reason ? { error: result.reason } : {}) };
    } catch (error) {
      if (signal.aborted) return signal.reason === 'cancel' ? { status: 'cancelled' } : { status: 'interrupted', error: 'The worker stopped while the task was running.' };
      this.options.log.error({ err: error, task: taskId }, 'task failed');
      return { status: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
  }
}
