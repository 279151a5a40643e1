import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { Health } from '../../../schemas/index.js';
import { errorResponses, type ServerContext } from '../context.js';

/** `/healthz` (open even with a token) and `/metrics` (Prometheus text format). */
export const systemRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  app.get('/healthz', { schema: { tags: ['system'], summary: 'Liveness; needs no token', security: [], response: { 200: Health } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/metrics',
    {
      schema: {
        tags: ['system'],
        summary: 'Prometheus metrics: request latency, index sizes, tasks by status, model tokens',
        response: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } }, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      const body = context.metrics.render({
        repositories: context.registry.list(),
        tasks: context.tasks.counts(),
        tokens: context.tasks.tokens(),
        queue: context.queue.sizes,
      });
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(body);
    },
  );
};
