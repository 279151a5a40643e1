import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, MinionsError, SymbolsQuery, SymbolsResponse } from '../../../schemas/index.js';
import { clientSignal, errorResponses, type ServerContext } from '../context.js';

/** The symbol graph of a registered repository (`GET /v1/repositories/:id/symbols?name=`): where a name is defined and used. */
export const symbolRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  const { registry } = context;

  app.get(
    '/repositories/:id/symbols',
    {
      schema: {
        tags: ['repositories'],
        summary: "A name's definitions (with signatures) and references (with their lines) in a registered repository",
        params: IdParams,
        querystring: SymbolsQuery,
        response: { 200: SymbolsResponse, ...errorResponses(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const repository = registry.get(request.params.id);
      if (!repository) throw new MinionsError('not-found', `No registered repository ${request.params.id}.`);
      if (repository.indexedAt === undefined) {
        // As for queries: the graph is written with the index, so it is not there before the first pass ends.
        const why = repository.status === 'error' ? `its indexing failed: ${repository.error ?? 'unknown error'}` : 'it is being indexed for the first time';
        throw new MinionsError('conflict', `${repository.root} has no symbol graph yet: ${why}.`, { details: { status: repository.status } });
      }
      const handle = await registry.handle(repository.id);
      const { name, limit } = request.query;
      return handle.symbols(name.trim(), { signal: clientSignal(reply), ...(limit === undefined ? {} : { limit: Number(limit) }) });
    },
  );
};
