import { Value } from '@sinclair/typebox/value';
import { MinionsError, TaskRequest, TaskResult, type Task, type TaskEvent, type TaskStatus } from '../../../schemas/index.js';

/** Lifecycle events the task store writes; a runner may not emit these types. */
export const lifecycleTypes = new Set(['task-queued', 'task-started', 'task-cancel-requested', 'task-end']);

/** Statuses a task never leaves. */
export const terminalStatuses: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);

/** A task's state as the fold of its events, plus what the API does not show: its root and last seq. */
export interface TaskState {
  task: Task;
  /** Real path of the repository the task runs on. */
  root: string;
  lastSeq: number;
}

/** The `data` of a `task-end` event. */
export interface TaskEnd {
  status: TaskStatus;
  result?: TaskResult;
  error?: string;
}

/**
 * Folds a task's events into its state. The first event must be `task-queued`
 * (it carries the request and the repository root); `task-started` makes it running;
 * `task-end` makes it terminal; every other event leaves the state as it is.
 */
export function foldTask(id: string, events: readonly TaskEvent[]): TaskState {
  const first = events[0];
  const request = first?.data.request;
  const root = first?.data.root;
  if (first?.type !== 'task-queued' || !Value.Check(TaskRequest, request) || typeof root !== 'string') {
    throw new MinionsError('internal', `The log of task ${id} does not start with a valid task-queued event.`);
  }
  const state: TaskState = { task: { id, request, status: 'queued', createdAt: first.time }, root, lastSeq: 0 };
  for (const event of events) applyEvent(state, event);
  return state;
}

/** Applies one event to a task's state (in place). */
export function applyEvent(state: TaskState, event: TaskEvent): void {
  state.lastSeq = event.seq;
  const task = state.task;
  if (terminalStatuses.has(task.status)) return;
  if (event.type === 'task-started') {
    task.status = 'running';
    task.startedAt = event.time;
  } else if (event.type === 'task-end') {
    const status = event.data.status;
    task.status = typeof status === 'string' && terminalStatuses.has(status as TaskStatus) ? (status as TaskStatus) : 'failed';
    task.endedAt = event.time;
    if (Value.Check(TaskResult, event.data.result)) task.result = event.data.result;
    if (typeof event.data.error === 'string') task.error = event.data.error;
  }
}
