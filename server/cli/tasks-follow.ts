// `minions tasks follow <id>`: a server's task, live, in the lines `minions run` prints,
// then its result and an exit code by outcome. Reconnects after a dropped connection
// with Last-Event-ID, so no line is lost or printed twice.
import type { Task, TaskEvent, TaskResult } from '../../schemas/index.js';
import type { ServerClient } from '../server-client.js';
import { describeAgentEvent } from './agent-progress.js';
import type { CommandIo } from './io.js';
import { terminalSafe, write } from './output.js';
import { describeResult } from './result-output.js';

/** The line for an event of a task on a server: the agent's as `minions run` words them, plus the server's lifecycle. */
export function describeTaskEvent(event: TaskEvent): string | undefined {
  switch (event.type) {
    case 'task-queue':
      return `queued: ${event.data.root}`;
    case 'task-start':
      return `started${event.data.worker === undefined ? '' : ` on worker ${event.data.worker}`}${(event.data.attempt ?? 1) > 1 ? ` (attempt ${event.data.attempt})` : ''}`;
    case 'task-retry':
      return `retrying (attempt ${event.data.attempt}): ${event.data.reason}`;
    case 'task-cancel':
      return 'cancel requested';
    case 'task-end':
      return `task ${event.data.status}${event.data.error ? `: ${event.data.error}` : ''}`;
    default:
      return describeAgentEvent(event);
  }
}

/** The exit code of a finished task: 0 when it succeeded, 1 otherwise. */
export function exitCodeOfTask(status: Task['status']): number {
  return status === 'succeeded' ? 0 : 1;
}

/**
 * Prints a task's events as they come (`--json`: one `TaskEvent` per line on stdout; else
 * a line each on stderr, the result on stdout) until it ends; returns the exit code.
 */
export async function followTask(client: ServerClient, id: string, io: CommandIo, json: boolean): Promise<number> {
  let status: Task['status'] | undefined;
  const onReconnect = (error: unknown): void => {
    io.stderr.write(`minions: the event stream dropped (${error instanceof Error ? error.message : String(error)}); reconnecting…\n`);
  };
  for await (const event of client.events(id, { signal: io.signal, onReconnect })) {
    if (json) await write(io.stdout, `${JSON.stringify(event)}\n`);
    else {
      const line = describeTaskEvent(event);
      if (line !== undefined) await write(io.stderr, `${terminalSafe(line)}\n`);
    }
    if (event.type === 'task-end') status = event.data.status;
  }
  const task = await client.request<Task>('GET', `/v1/tasks/${encodeURIComponent(id)}`, { signal: io.signal });
  status ??= task.status;
  if (!json && task.result !== undefined) await write(io.stdout, terminalSafe(describeResult(task.result satisfies TaskResult, task.request.repo)));
  return exitCodeOfTask(status);
}
