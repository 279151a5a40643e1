// The one interface in front of the task queues: the in-process FIFO (`TaskQueue`, the
// default, one machine and no Redis) and the BullMQ queue that workers on other
// machines take tasks from (`RedisTaskQueue`, `minions serve --queue redis://...`).
import type { Logger } from 'pino';
import type { Task } from '../../../schemas/index.js';
import type { ServerLimits } from '../context.js';
import type { TaskStore } from './task-store.js';

/** What the routes ask of a task queue, whichever runs the tasks. */
export interface TaskDispatcher {
  /** Whether tasks can run at all (false: creating one answers `agent-unavailable`). */
  readonly available: boolean;
  /** Tasks waiting and running, as this server counts them. */
  readonly sizes: { waiting: number; running: number };
  /** Creates a task through `create` when the queue has room and queues it; a full queue is `queue-full` and creates nothing. */
  admit(create: () => Promise<Task>): Promise<Task>;
  /** Queues the tasks the store found queued at start, oldest first. */
  resume(ids: readonly string[]): void;
  /** Cancels a task: a waiting one ends at once, a running one is aborted where it runs. False when it already ended. */
  cancel(id: string): boolean | Promise<boolean>;
  /** Stops taking tasks; running ones end `interrupted`, waiting ones stay queued for the next start. */
  close(): Promise<void>;
}

/** Builds a server's task queue once its task store is open (`buildApp`'s `taskQueue` option). */
export type TaskDispatcherFactory = (services: { store: TaskStore; limits: ServerLimits; log: Logger }) => Promise<TaskDispatcher>;
