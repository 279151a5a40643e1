import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Stats } from '../../../schemas/index.js';
import { errorResponses, type ServerContext } from '../context.js';

/** `GET /v1/stats`: the success metrics of `/metrics` per model and blueprint, as JSON for people and the web UI. */
export const statsRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext }> = async (app, { context }) => {
  app.get(
    '/stats',
    {
      schema: {
        tags: ['system'],
        summary: 'Task success per model and blueprint: outcomes, success rate, fix rounds, tokens, model latency and time to first token (p50, p95), review findings',
        response: { 200: Stats, ...errorResponses() },
      },
    },
    async () => context.metrics.tasks.stats.summary(),
  );
};
