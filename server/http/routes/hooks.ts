import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CiFailure, GitHubCheckRunDelivery, GitHubWorkflowRunDelivery, HookAnswer, HookHeaders, MinionsError } from '../../../schemas/index.js';
import { clientSignal, errorResponses, type ServerContext } from '../context.js';
import { readDelivery, type CiFailureReport } from '../hooks/ci-delivery.js';
import { CiTasks, type CiSubmission } from '../hooks/ci-tasks.js';
import { verifySignature } from '../hooks/signature.js';

/** The settings of the CI hook. */
export interface HookSettings {
  /** The HMAC secret deliveries are signed with; without one the hook is off. */
  secret?: string | undefined;
  /** Tasks the hook may create per repository per hour; 0: no limit. */
  tasksPerHour?: number | undefined;
}

/** The JSON of a delivery: the body itself, or (GitHub's form content type) its `payload` field. */
function parsePayload(body: Buffer, contentType: string | undefined): unknown {
  let text = body.toString('utf8');
  if (contentType?.startsWith('application/x-www-form-urlencoded')) text = new URLSearchParams(text).get('payload') ?? '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MinionsError('invalid-argument', 'The delivery is not JSON (for GitHub, choose the content type application/json).');
  }
}

/**
 * One delivery: the hook must be on, the signature right, the body a failure (then it is
 * submitted) or something to ignore. Answers the status and the body of the reply.
 */
async function receive(
  body: unknown,
  headers: IncomingHttpHeaders,
  secret: string | undefined,
  submit: (report: CiFailureReport) => Promise<CiSubmission>,
): Promise<{ status: 200 | 202; answer: HookAnswer }> {
  if (secret === undefined || secret === '') throw new MinionsError('not-found', 'The CI hook is off: set its secret with MINIONS_HOOK_SECRET.');
  if (!Buffer.isBuffer(body)) throw new MinionsError('invalid-argument', 'The delivery has no body.');
  const header = headers['x-hub-signature-256'];
  if (!verifySignature(body, typeof header === 'string' ? header : undefined, secret)) {
    throw new MinionsError('unauthorized', header === undefined ? 'The delivery is not signed: X-Hub-Signature-256 is required.' : 'The signature (X-Hub-Signature-256) does not match the body and the hook secret.');
  }
  const event = headers['x-github-event'];
  const delivery = readDelivery(typeof event === 'string' ? event : undefined, parsePayload(body, headers['content-type']));
  if (delivery.kind === 'ignored') return { status: 202, answer: { status: 'ignored', reason: delivery.reason } };
  const submission = await submit(delivery.report);
  return { status: submission.status === 'duplicate' ? 200 : 202, answer: submission };
}

/**
 * `POST /v1/hooks/ci`: a CI failure (generic, or a GitHub `workflow_run`/`check_run`
 * delivery) becomes a task "make the failing checks pass". It authenticates by the HMAC
 * signature of the raw body (`X-Hub-Signature-256`), not by the bearer token: the body is
 * kept as bytes, verified, and only then parsed and checked.
 */
export const hookRoutes: FastifyPluginAsyncTypebox<{ context: ServerContext; settings: HookSettings }> = async (app, { context, settings }) => {
  const ci = new CiTasks({ registry: context.registry, tasks: context.tasks, queue: context.queue, tasksPerHour: settings.tasksPerHour ?? 10 });
  // The signature covers the bytes as sent: this plugin's bodies stay Buffers (the parsers are this plugin's own).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/x-www-form-urlencoded'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/hooks/ci',
    {
      schema: {
        tags: ['tasks'],
        summary: 'A CI failure (generic, or GitHub workflow_run / check_run completed with failure) becomes a task; signed with X-Hub-Signature-256, no bearer token',
        security: [],
        headers: HookHeaders,
        body: Type.Union([CiFailure, GitHubWorkflowRunDelivery, GitHubCheckRunDelivery]),
        response: { 200: HookAnswer, 202: HookAnswer, ...errorResponses(400, 404, 413, 415, 429, 503, 507) },
      },
      // Documented above, checked in the handler: the signature comes before any look at the body.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      try {
        const { answer, status } = await receive(request.body as unknown, request.headers, settings.secret, (report) => ci.submit(report, clientSignal(reply)));
        context.metrics.hookDelivered(answer.status);
        request.log.info({ delivery: request.headers['x-github-delivery'], event: request.headers['x-github-event'], answer }, 'CI hook delivery');
        if (answer.status === 'queued') void reply.header('location', `/v1/tasks/${answer.id ?? ''}`);
        return reply.status(status).send(answer);
      } catch (error) {
        context.metrics.hookDelivered(error instanceof MinionsError ? error.code : 'internal');
        throw error;
      }
    },
  );
};
