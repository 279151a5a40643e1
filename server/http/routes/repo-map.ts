import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, MinionsError, RepoMap, RepoMapRequest } from '../../../schemas/index.js';
import { clientSignal, errorResponses, type ServerContext } from '../context.js';

/** The repository map of a registered repository (`POST /v1/repositories/:id/map`): its key files and definitions, personalised, within a token budget. */
export const repoMapRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  const { registry } = context;

  app.post(
    '/repositories/:id/map',
    {
      schema: {
        tags: ['repositories'],
        summary: "A registered repository's map: files ranked by personalised PageRank over the symbol graph, with their key definitions, within budgetTokens",
        params: IdParams,
        body: RepoMapRequest,
        response: { 200: RepoMap, ...errorResponses(400, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const repository = registry.get(request.params.id);
      if (!repository) throw new MinionsError('not-found', `No registered repository ${request.params.id}.`);
      if (repository.indexedAt === undefined) {
        // As for symbols: the graph is written with the index, so there is no map before the first pass ends.
        const why = repository.status === 'error' ? `its indexing failed: ${repository.error ?? 'unknown error'}` : 'it is being indexed for the first time';
        throw new MinionsError('conflict', `${repository.root} has no repository map yet: ${why}.`, { details: { status: repository.status } });
      }
      const handle = await registry.handle(repository.id);
      return handle.repoMap(request.body, clientSignal(reply));
    },
  );
};
