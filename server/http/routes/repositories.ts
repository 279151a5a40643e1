import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { IdParams, MinionsError, QueryRequest, QueryResponse, Repository, RepositoryList, RepositoryRegistration } from '../../../schemas/index.js';
import { checkPublishSettings } from '../../forge/remote-address.js';
import { clientSignal, errorResponses, type ServerContext } from '../context.js';

/** Repository routes (`/v1/repositories`) and the query endpoint (`/v1/query`). */
export const repositoryRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  const { registry } = context;

  app.post(
    '/repositories',
    {
      schema: {
        tags: ['repositories'],
        summary: 'Register a repository: it is indexed in the background (and watched when the server has a watcher)',
        body: RepositoryRegistration,
        response: { 200: Repository, 201: Repository, ...errorResponses(400, 404, 413, 415) },
      },
    },
    async (request, reply) => {
      if (request.body.publish) checkPublishSettings(request.body.publish);
      const { repository, created } = await registry.register(request.body.path, request.body.publish);
      return reply.status(created ? 201 : 200).header('location', `/v1/repositories/${repository.id}`).send(repository);
    },
  );

  app.get('/repositories', { schema: { tags: ['repositories'], summary: 'List the registered repositories', response: { 200: RepositoryList, ...errorResponses() } } }, async () => ({
    repositories: registry.list(),
  }));

  app.get(
    '/repositories/:id',
    { schema: { tags: ['repositories'], summary: 'One repository: index status, progress and size', params: IdParams, response: { 200: Repository, ...errorResponses(400, 404) } } },
    async (request) => {
      const repository = registry.get(request.params.id);
      if (!repository) throw new MinionsError('not-found', `No registered repository ${request.params.id}.`);
      return repository;
    },
  );

  app.delete(
    '/repositories/:id',
    {
      schema: {
        tags: ['repositories'],
        summary: 'Unregister a repository (its index stays on disk for reuse)',
        params: IdParams,
        response: { 204: Type.Null({ description: 'unregistered' }), ...errorResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (!(await registry.remove(request.params.id))) throw new MinionsError('not-found', `No registered repository ${request.params.id}.`);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/query',
    {
      schema: {
        tags: ['query'],
        summary: 'Search a registered repository (same results as `minions query --json`)',
        body: QueryRequest,
        response: { 200: QueryResponse, ...errorResponses(400, 404, 409, 413, 415, 503) },
      },
    },
    async (request, reply) => {
      const repository = await registry.resolve(request.body.repo);
      if (repository.indexedAt === undefined) {
        const why = repository.status === 'error' ? `its indexing failed: ${repository.error ?? 'unknown error'}` : 'it is being indexed for the first time';
        throw new MinionsError('conflict', `${repository.root} cannot be queried yet: ${why}.`, { details: { status: repository.status } });
      }
      const signal = clientSignal(reply);
      // The handle is the repository: the request's `repo` is not read again.
      const handle = await registry.handle(repository.id);
      return handle.query(request.body, { signal });
    },
  );
};
