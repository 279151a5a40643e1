// The server's side of the BullMQ queue: tasks become jobs (job id = task id) that
// workers take; each worker's messages (start, events, end) arrive on one Redis stream,
// read by this server alone through a consumer group and appended to the task's log in
// stream order, so SSE and Last-Event-ID work as with the in-process queue.
import { Value } from '@sinclair/typebox/value';
import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AgentEvent, MinionsError, TaskResult, type Task } from '../../schemas/index.js';
import type { TaskDispatcher, TaskDispatcherFactory } from '../http/tasks/task-dispatch.js';
import { terminalStatuses } from '../http/tasks/task-fold.js';
import type { TaskStore } from '../http/tasks/task-store.js';
import { attemptsKey, cancelChannel, cancelKey, checkRedis, connectRedis, eventGroup, eventStream, queueName, taskKeySeconds, type RedisConnection, type TaskJob, type WorkerMessage } from './redis-connection.js';

/** What the server's Redis queue needs. */
export interface RedisTaskQueueOptions {
  connection: RedisConnection;
  store: TaskStore;
  /** Tasks that may wait (429 beyond). */
  maxQueue: number;
  /** Runs again after a lost worker (`--task-retries`); 0: the task ends interrupted. */
  retries: number;
  log: Logger;
  /** How long one read of the event stream blocks (ms); a close waits up to that long. */
  blockMs?: number;
}

/** `buildApp`'s `taskQueue` for `minions serve --queue redis://...`. */
export function redisTaskQueue(options: Omit<RedisTaskQueueOptions, 'store' | 'maxQueue' | 'log'>): TaskDispatcherFactory {
  return async ({ store, limits, log }) => RedisTaskQueue.open({ ...options, store, maxQueue: limits.maxQueue, log });
}

/**
 * Tasks on a BullMQ queue, run by `minions worker` processes anywhere. The server stays
 * the one writer of task logs: it counts waiting and running tasks from what it queued
 * and what the workers report, cancels through a Redis channel, and ends a task whose
 * job BullMQ failed (lost too often) `interrupted`.
 */
export class RedisTaskQueue implements TaskDispatcher {
  private readonly waiting = new Set<string>();
  private readonly running = new Set<string>();
  private closed = false;
  private reading: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: RedisTaskQueueOptions,
    private readonly queue: Queue<TaskJob>,
    private readonly events: QueueEvents,
    private readonly commands: Redis,
    private readonly reader: Redis,
  ) {}

  /** Connects, reads what workers reported while no server ran, then follows the stream. */
  static async open(options: RedisTaskQueueOptions): Promise<RedisTaskQueue> {
    const commands = connectRedis(options.connection, 'minions-server');
    try {
      await checkRedis(commands, options.connection);
    } catch (error) {
      commands.disconnect();
      throw error;
    }
    const reader = connectRedis(options.connection, 'minions-server-events');
    const queue = new Queue<TaskJob>(queueName, { connection: options.connection });
    const events = new QueueEvents(queueName, { connection: options.connection });
    // BullMQ's connections reconnect by themselves; their errors go to the log, not to stderr.
    queue.on('error', (error) => options.log.warn({ err: error }, 'Redis queue connection error'));
    events.on('error', (error) => options.log.warn({ err: error }, 'Redis queue events connection error'));
    const self = new RedisTaskQueue(options, queue, events, commands, reader);
    try {
      await commands.xgroup('CREATE', eventStream, eventGroup, '0', 'MKSTREAM').catch((error: unknown) => {
        if (!String(error).includes('BUSYGROUP')) throw error;
      });
      await self.drain();
      await self.adoptRunning();
    } catch (error) {
      await self.disconnect();
      if (error instanceof MinionsError) throw error;
      throw new MinionsError('agent-unavailable', `Cannot use the Redis queue at ${options.connection.host}:${options.connection.port}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    events.on('failed', ({ jobId, failedReason }) => self.jobFailed(jobId, failedReason));
    self.reading = self.follow();
    return self;
  }

  get available(): boolean {
    return !this.closed;
  }

  get sizes(): { waiting: number; running: number } {
    return { waiting: this.waiting.size, running: this.running.size };
  }

  async admit(create: () => Promise<Task>): Promise<Task> {
    if (this.closed) throw new MinionsError('agent-unavailable', 'The server is shutting down.');
    if (this.waiting.size >= this.options.maxQueue) {
      throw new MinionsError('queue-full', `The task queue is full (${this.options.maxQueue} waiting); retry later.`, { details: { retryAfterSeconds: 30 } });
    }
    const task = await create();
    this.waiting.add(task.id);
    try {
      await this.enqueue(task.id);
    } catch (error) {
      this.waiting.delete(task.id);
      this.options.store.end(task.id, { status: 'failed', error: 'The task could not be put on the Redis queue.' });
      throw new MinionsError('agent-unavailable', `The Redis queue did not take the task: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return task;
  }

  resume(ids: readonly string[]): void {
    for (const id of ids) {
      this.waiting.add(id);
      this.requeue(id).catch((error: unknown) => this.options.log.error({ err: error, task: id }, 'could not queue the task again'));
    }
  }

  /**
   * Queues a task found queued at start. A job that is still on the queue keeps its place
   * (BullMQ ignores a second job with the same id); one that ended while no server listened
   * (the backlog is read before this, so its task would have ended too) ends the task.
   */
  private async requeue(id: string): Promise<void> {
    const state = await (await this.queue.getJob(id))?.getState();
    if (state === 'failed' || state === 'completed') {
      this.waiting.delete(id);
      this.options.store.end(id, { status: 'interrupted', error: `The queue ${state === 'failed' ? 'gave up on' : 'finished'} the task while no server listened, without its result.` });
      return;
    }
    await this.enqueue(id);
  }

  async cancel(id: string): Promise<boolean> {
    const { store } = this.options;
    const task = store.get(id);
    if (!task || terminalStatuses.has(task.status)) return false;
    // A job no worker holds yet is removed; a locked one (running) gets the cancel message.
    if (task.status === 'queued' && (await this.queue.remove(id)) === 1) {
      this.waiting.delete(id);
      store.append(id, { type: 'task-cancel', data: {} });
      store.end(id, { status: 'cancelled' });
      return true;
    }
    store.append(id, { type: 'task-cancel', data: {} });
    await this.commands.set(cancelKey(id), 'cancel', 'EX', taskKeySeconds);
    await this.commands.publish(cancelChannel, id);
    return true;
  }

  /**
   * Stops reading the workers' stream. Tasks keep running on the workers: what they report
   * meanwhile waits in the stream (the consumer group keeps it) for the next start.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.reader.disconnect();
    await this.reading;
    await this.disconnect();
  }

  /**
   * Counts the tasks the store kept running (their workers report on). One whose job is gone
   * or ended (it ran in process before `--queue`, or ended while no server listened, after the
   * backlog) can report nothing more: it ends interrupted.
   */
  private async adoptRunning(): Promise<void> {
    for (const task of this.options.store.list({ status: 'running' })) {
      const state = await (await this.queue.getJob(task.id))?.getState();
      if (state === 'active' || state === 'waiting' || state === 'delayed' || state === 'prioritized') this.running.add(task.id);
      else this.options.store.end(task.id, { status: 'interrupted', error: 'The server stopped while the task was running.' });
    }
  }

  private async enqueue(id: string): Promise<void> {
    const { store, retries } = this.options;
    const task = store.get(id);
    const root = store.root(id);
    if (!task || root === undefined) return;
    // Finished jobs are kept a day, so a restart that queues a task again cannot run it twice.
    await this.queue.add('task', { taskId: id, request: task.request, root, retries }, { jobId: id, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 24 * 3600 } });
  }

  /** Reads the stream's backlog (pending entries, then new ones) without blocking, so a restart catches up first. */
  private async drain(): Promise<void> {
    for (const cursor of ['0', '>']) {
      for (;;) {
        const count = await this.readOnce(cursor, undefined);
        if (count === 0) break;
      }
    }
  }

  private async follow(): Promise<void> {
    while (!this.closed) {
      try {
        await this.readOnce('>', this.options.blockMs ?? 2000);
      } catch (error) {
        if (this.closed) return;
        this.options.log.error({ err: error }, 'reading the workers\' events failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** One read of the stream: appends each message, flushes the logs, then acknowledges and deletes the entries. */
  private async readOnce(cursor: string, blockMs: number | undefined): Promise<number> {
    const reply = (blockMs === undefined
      ? await this.reader.xreadgroup('GROUP', eventGroup, 'server', 'COUNT', 500, 'STREAMS', eventStream, cursor)
      : await this.reader.xreadgroup('GROUP', eventGroup, 'server', 'COUNT', 500, 'BLOCK', blockMs, 'STREAMS', eventStream, cursor)) as [string, [string, string[] | null][]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    if (entries.length === 0) return 0;
    for (const [, fields] of entries) this.handle(fields ?? []);
    // Acknowledged only once on disk: a server killed before keeps them pending, and reads them again.
    await this.options.store.flush();
    const ids = entries.map(([id]) => id);
    await this.commands.xack(eventStream, eventGroup, ...ids);
    await this.commands.xdel(eventStream, ...ids);
    return entries.length;
  }

  private handle(fields: string[]): void {
    const body = fields[fields.indexOf('body') + 1];
    let message: WorkerMessage;
    try {
      message = JSON.parse(body ?? '') as WorkerMessage;
    } catch {
      this.options.log.warn('a worker sent a message that is not JSON; ignored');
      return;
    }
    const { store, log } = this.options;
    switch (message.kind) {
      case 'start': {
        this.waiting.delete(message.task);
        const task = store.get(message.task);
        // A start for a task that ended meanwhile (cancelled, interrupted) changes nothing; its end follows.
        if (task === undefined || terminalStatuses.has(task.status)) return;
        this.running.add(message.task);
        if (message.attempt > 1) store.append(message.task, { type: 'task-retry', data: { attempt: message.attempt, reason: 'the worker running the task stopped renewing its lock (lost)' } });
        store.append(message.task, { type: 'task-start', data: { worker: message.worker, attempt: message.attempt } });
        return;
      }
      case 'event':
        // Checked as the in-process queue checks its runner: a worker cannot forge lifecycle events.
        if (Value.Check(AgentEvent, message.event)) store.append(message.task, message.event);
        else log.warn({ task: message.task }, 'a worker sent an event that is not an AgentEvent; ignored');
        return;
      case 'end':
        this.finish(message.task, message.end);
        return;
      default:
        log.warn('a worker sent a message of unknown kind; ignored');
    }
  }

  private finish(id: string, end: Extract<WorkerMessage, { kind: 'end' }>['end']): void {
    this.waiting.delete(id);
    this.running.delete(id);
    if (end.result !== undefined && !Value.Check(TaskResult, end.result)) {
      this.options.log.error({ task: id }, 'a worker returned a malformed result');
      this.options.store.end(id, { status: 'failed', error: 'The agent returned a malformed result.' });
      return;
    }
    this.options.store.end(id, end);
    this.commands.del(attemptsKey(id), cancelKey(id)).catch(() => undefined);
  }

  /** BullMQ gave up on a job (its worker lost more often than allowed): the task ends interrupted. */
  private jobFailed(id: string, reason: string): void {
    this.waiting.delete(id);
    this.running.delete(id);
    this.options.store.end(id, { status: 'interrupted', error: `The queue gave up on the task: ${reason}` });
  }

  private async disconnect(): Promise<void> {
    await this.events.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.commands.disconnect();
    this.reader.disconnect();
  }
}
