// Follow-ups (`POST /v1/tasks/:id/follow-ups`): a new run on a finished task's branch,
// starting from its last commit, with the earlier prompt, diff and summaries in context.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { truncateMiddle } from '../../../platform/index.js';
import { FollowUpRequest, IdParams, MinionsError, TaskAccepted, maxEarlierDiff, type Task, type TaskRequest } from '../../../schemas/index.js';
import { errorResponses, type ServerContext } from '../context.js';
import type { TaskStore } from '../tasks/task-store.js';
import { terminalStatuses } from '../tasks/task-fold.js';

/** The follow-up route of `/v1/tasks`. */
export const followUpRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  const { registry, tasks, queue } = context;
  app.post(
    '/tasks/:id/follow-ups',
    {
      schema: {
        tags: ['tasks'],
        summary: "Follow up a finished task: a new task on its branch, from its last commit, with the earlier prompt, diff and summaries in context",
        params: IdParams,
        body: FollowUpRequest,
        response: { 202: TaskAccepted, ...errorResponses(400, 404, 409, 413, 415, 429, 503, 507) },
      },
    },
    async (request, reply) => {
      if (!queue.available) throw new MinionsError('agent-unavailable', 'No agent is configured on this server, so tasks cannot run.');
      const earlier = tasks.get(request.params.id);
      if (!earlier) throw new MinionsError('not-found', `No task ${request.params.id}.`);
      const root = tasks.root(earlier.id);
      // The repository must still be registered: follow-ups run where tasks run.
      const repository = await registry.resolve(root ?? earlier.request.repo);
      const followUp = followUpRequest(earlier, request.body, tasks);
      const task = await queue.admit(() => tasks.create(followUp, repository.root));
      return reply.status(202).header('location', `/v1/tasks/${task.id}`).send({ id: task.id, status: tasks.get(task.id)?.status ?? task.status });
    },
  );
};

/**
 * The request of a follow-up of `earlier`: its settings (repository, model, blueprint,
 * limits), the new prompt, and the continuation. A conflict when there is nothing to
 * continue: the task has not ended, left no commit, or a follow-up runs or committed on top.
 */
function followUpRequest(earlier: Task, body: FollowUpRequest, tasks: TaskStore): TaskRequest {
  const { id, status, result } = earlier;
  if (!terminalStatuses.has(status)) throw new MinionsError('conflict', `Task ${id} is ${status}; follow it up once it has ended.`, { details: { status } });
  if (result?.branch == null || result.commit === null) {
    const why = result === undefined ? `ended ${status} without a result` : 'committed nothing, so it left no branch';
    throw new MinionsError('conflict', `Task ${id} ${why}: there is no branch to continue. Submit a new task instead.`, { details: { status } });
  }
  for (const laterId of earlier.followUps ?? []) {
    const later = tasks.get(laterId);
    if (later !== undefined && !terminalStatuses.has(later.status)) {
      throw new MinionsError('conflict', `Task ${id} already has a follow-up in progress (${laterId}, ${later.status}); wait for it to end.`, { details: { followUp: laterId } });
    }
    if (later?.result?.commit != null) {
      throw new MinionsError('conflict', `Task ${id} has a follow-up (${laterId}) that committed on top of it; follow up on ${laterId} instead.`, { details: { followUp: laterId } });
    }
  }
  // The earlier run's settings carry over; its base and fromWorkingTree do not (the branch is the start).
  const inherited: TaskRequest = { ...earlier.request };
  delete inherited.base;
  delete inherited.fromWorkingTree;
  return {
    ...inherited,
    prompt: body.prompt,
    ...(body.model === undefined ? {} : { model: body.model }),
    continueFrom: {
      task: id,
      branch: result.branch,
      commit: result.commit,
      prompt: earlier.request.prompt,
      diff: truncateMiddle(result.diff, maxEarlierDiff),
      summaries: (result.summaries ?? []).slice(-20).map((summary) => truncateMiddle(summary, 3900)),
    },
  };
}
