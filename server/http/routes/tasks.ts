import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { isAbsolute, resolve } from 'node:path';
import { EventStreamHeaders, IdParams, MinionsError, Task, TaskAccepted, TaskEvent, TaskList, TaskListQuery, TaskRequest, TaskResult } from '../../../schemas/index.js';
import { errorResponses, type ServerContext } from '../context.js';
import { streamTaskEvents } from '../sse.js';
import { terminalStatuses } from '../tasks/task-fold.js';

/** Task routes (`/v1/tasks`): create, list, get, cancel, events (SSE) and result. */
export const taskRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  const { registry, tasks, queue } = context;
  const known = (id: string): Task => {
    const task = tasks.get(id);
    if (!task) throw new MinionsError('not-found', `No task ${id}.`);
    return task;
  };

  app.post(
    '/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Queue a task for a minion on a registered repository',
        body: TaskRequest,
        response: { 202: TaskAccepted, ...errorResponses(400, 404, 413, 415, 429, 503, 507) },
      },
    },
    async (request, reply) => {
      if (!queue.available) throw new MinionsError('agent-unavailable', 'No agent is configured on this server, so tasks cannot run.');
      // A continuation comes from the follow-up route, which links it to the task it follows.
      if (request.body.continueFrom !== undefined) throw new MinionsError('invalid-argument', 'continueFrom is set by POST /v1/tasks/:id/follow-ups; follow up the earlier task there.');
      const repository = await registry.resolve(request.body.repo);
      const task = await queue.admit(() => tasks.create(request.body, repository.root));
      return reply.status(202).header('location', `/v1/tasks/${task.id}`).send({ id: task.id, status: tasks.get(task.id)?.status ?? task.status });
    },
  );

  app.get(
    '/tasks',
    { schema: { tags: ['tasks'], summary: 'List tasks, newest first, by status and/or repository', querystring: TaskListQuery, response: { 200: TaskList, ...errorResponses(400) } } },
    async (request) => {
      const { status, repo } = request.query;
      let root: string | undefined;
      if (repo !== undefined) {
        // A repository unregistered since still filters its tasks, by its path as given.
        root = await registry.resolve(repo).then(
          (repository) => repository.root,
          (error: unknown) => {
            if (error instanceof MinionsError && error.code === 'not-found' && isAbsolute(repo)) return resolve(repo);
            throw error;
          },
        );
      }
      return { tasks: tasks.list({ status, root }) };
    },
  );

  app.get('/tasks/:id', { schema: { tags: ['tasks'], summary: 'One task: its state', params: IdParams, response: { 200: Task, ...errorResponses(400, 404) } } }, async (request) =>
    known(request.params.id),
  );

  app.post(
    '/tasks/:id/cancel',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Cancel a task: a queued one ends at once, a running one is aborted and ends cancelled',
        params: IdParams,
        response: { 202: TaskAccepted, ...errorResponses(400, 404, 409) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      known(id);
      if (!(await queue.cancel(id))) throw new MinionsError('conflict', `Task ${id} has already ended (${known(id).status}).`, { details: { status: known(id).status } });
      return reply.status(202).send({ id, status: known(id).status });
    },
  );

  app.get(
    '/tasks/:id/events',
    {
      schema: {
        tags: ['tasks'],
        summary: "The task's events as Server-Sent Events: past ones (after Last-Event-ID), then live ones until task-end",
        params: IdParams,
        headers: EventStreamHeaders,
        response: {
          200: {
            description: 'text/event-stream, one message per event: `id: <seq>`, `event: <type>`, `data: <the TaskEvent as JSON>` (the schema is that of the `data` line)',
            content: { 'text/event-stream': { schema: TaskEvent } },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request, reply) => {
      const afterSeq = Number(request.headers['last-event-id'] ?? 0);
      await streamTaskEvents(reply, { store: tasks, id: request.params.id, afterSeq, heartbeatMs: context.limits.heartbeatMs, streams: context.streams });
    },
  );

  app.get(
    '/tasks/:id/result',
    {
      schema: {
        tags: ['tasks'],
        summary: 'What a finished task handed back: branch, commit, diff, PR title and body, checks',
        params: IdParams,
        response: { 200: TaskResult, ...errorResponses(400, 404, 409) },
      },
    },
    async (request) => {
      const task = known(request.params.id);
      if (task.result) return task.result;
      const message = terminalStatuses.has(task.status)
        ? `Task ${task.id} ended ${task.status} without a result${task.error ? `: ${task.error}` : '.'}`
        : `Task ${task.id} is ${task.status}; its result comes when it ends.`;
      throw new MinionsError('conflict', message, { details: { status: task.status } });
    },
  );
};
