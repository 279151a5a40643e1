import { Value } from '@sinclair/typebox/value';
import { MinionsError, TaskEvent, type Task, type TaskLifecycleEvent, type TaskStatus } from '../../../schemas/index.js';

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
export type TaskEnd = Extract<TaskLifecycleEvent, { type: 'task-end' }>['data'];

/**
 * Folds a task's events (validated as `TaskEvent`s) into its state. The first event
 * must be `task-queue` (it carries the request and the repository root); `task-start`
 * makes it running; `task-end` makes it terminal; every other event leaves the state
 * as it is.
 */
export function foldTask(id: string, events: readonly TaskEvent[]): TaskState {
  const first = events[0];
  // The request comes from disk: checked again, as the API would check it.
  if (first?.type !== 'task-queue' || !Value.Check(TaskEvent, first)) throw new MinionsError('internal', `The log of task ${id} does not start with a valid task-queue event.`);
  const state: TaskState = { task: { id, request: first.data.request, status: 'queued', createdAt: first.time }, root: first.data.root, lastSeq: 0 };
  const earlier = first.data.request.continueFrom?.task;
  if (earlier !== undefined) state.task.followUpOf = earlier;
  for (const event of events) applyEvent(state, event);
  return state;
}

/** Applies one event to a task's state (in place). */
export function applyEvent(state: TaskState, event: TaskEvent): void {
  state.lastSeq = event.seq;
  const task = state.task;
  if (terminalStatuses.has(task.status)) return;
  switch (event.type) {
    case 'task-start':
      task.status = 'running';
      task.startedAt = event.time;
      return;
    case 'task-end': {
      const { status, result, error } = event.data;
      task.status = terminalStatuses.has(status) ? status : 'failed';
      task.endedAt = event.time;
      if (result) task.result = result;
      if (error !== undefined) task.error = error;
      return;
    }
    default:
      return;
  }
}
