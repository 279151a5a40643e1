import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { contextBudget, previewContext } from '../../../agent/index.js';
import { ContextRequest, ContextResponse, MinionsError } from '../../../schemas/index.js';
import { createIndexSearch } from '../../agent-wiring.js';
import { clientSignal, errorResponses, type ServerContext } from '../context.js';

/**
 * `POST /v1/context`: what the agent's first prompt would hold for a task on a registered
 * repository (the same assembly the agent runs), read from the repository's current files.
 * The default budget is the agent's own for `numCtx` (the configured num_ctx), when set.
 */
export const contextRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext; numCtx?: number | undefined }> = async (app, { context, numCtx }) => {
  const { registry } = context;
  const search = createIndexSearch(context.index);

  app.post(
    '/context',
    {
      schema: {
        tags: ['query'],
        summary: "The agent's first prompt for a task: sections (task, rules, code, map, search note, repository) with their text, tokens and file spans",
        body: ContextRequest,
        response: { 200: ContextResponse, ...errorResponses(400, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const repository = await registry.resolve(request.body.repo);
      if (repository.indexedAt === undefined) {
        const why = repository.status === 'error' ? `its indexing failed: ${repository.error ?? 'unknown error'}` : 'it is being indexed for the first time';
        throw new MinionsError('conflict', `${repository.root} has no context to show yet: ${why}.`, { details: { status: repository.status } });
      }
      const budget = request.body.budget ?? contextBudget(numCtx);
      return previewContext({ search, repo: repository.root, task: request.body.task, budget, signal: clientSignal(reply) });
    },
  );
};
