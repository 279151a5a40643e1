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
        summary: 'Prometheus metrics: request latency, index sizes, tasks by status; task outcomes, fix rounds, tokens, review findings, model latency and time to first token per model and blueprint; check durations',
        response: { 200: { description: 'Prometheus text exposition format 0.0.4', content: { 'text/plain': { schema: Type.String() } } }, ...errorResponses() },
      },
    },
    async (_request, reply) => {
      const body = await context.metrics.render({ repositories: context.registry.list(), tasks: context.tasks.counts(), queue: context.queue.sizes });
      return reply.type(context.metrics.contentType).send(body);
    },
  );
};
