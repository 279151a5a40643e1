import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MinionsError, type ErrorCode, type ErrorEnvelope } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import { describeValidation, issuesOfAjv } from '../validation.js';

/** The HTTP status of each error code: the one place codes meet statuses. */
export const statusOfCode: Record<ErrorCode, number> = {
  'invalid-argument': 400,
  unauthorized: 401,
  'not-found': 404,
  conflict: 409,
  'index-missing': 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'parse-failed': 422,
  'queue-full': 429,
  'rate-limited': 429,
  internal: 500,
  unreadable: 500,
  'index-corrupt': 503,
  'model-unavailable': 503,
  'agent-unavailable': 503,
  // The disk of the data directory is full: nothing was recorded, retry once there is space.
  'insufficient-storage': 507,
  // nginx's "client closed request": the client left (or the server is stopping) before the answer.
  cancelled: 499,
};

/** Codes for the 4xx errors Fastify raises itself (bad JSON, size, media type). */
const codeOfStatus: Record<number, ErrorCode> = { 400: 'invalid-argument', 401: 'unauthorized', 404: 'not-found', 413: 'payload-too-large', 415: 'unsupported-media-type' };

/** Builds the error envelope. */
export function envelope(code: string, message: string, details?: Record<string, unknown>): ErrorEnvelope {
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/**
 * The error handler: a cancelled request is 499 `cancelled` (logged as information, not
 * as an error); a `MinionsError` gets its code's status and its message; a
 * validation error or a 4xx Fastify raises (bad JSON, body too large, media type) is a
 * 4xx with Fastify's message; anything else is a 500 with a generic message, logged
 * with its stack and never sent.
 */
export function handleError(error: FastifyError | MinionsError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isAbortError(error)) {
    // Cancellation is not a failure: no error log, and the client has usually gone anyway.
    request.log.info('request cancelled');
    return reply.status(statusOfCode.cancelled).send(envelope('cancelled', 'The request was cancelled: the client went away or the server is stopping.'));
  }
  if (error instanceof MinionsError) {
    const status = statusOfCode[error.code];
    if ((error.code === 'queue-full' || error.code === 'rate-limited') && typeof error.details?.retryAfterSeconds === 'number') void reply.header('retry-after', String(error.details.retryAfterSeconds));
    if (status >= 500 && (error.code === 'internal' || error.code === 'unreadable')) return internal(error, request, reply);
    if (status >= 500) request.log.warn({ code: error.code }, error.message);
    return reply.status(status).send(envelope(error.code, error.message, error.details));
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const { message, details } = describeValidation(fastifyError.validationContext ?? 'request', issuesOfAjv(fastifyError.validation));
    return reply.status(400).send(envelope('invalid-argument', message, details));
  }
  const status = fastifyError.statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    const message = status === 415 ? `The request body must be JSON (content-type: application/json), not ${request.headers['content-type'] ?? 'untyped'}.` : error.message;
    return reply.status(status).send(envelope(codeOfStatus[status] ?? 'invalid-argument', message));
  }
  return internal(error, request, reply);
}

function internal(error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.log.error({ err: error }, 'request failed');
  return reply.status(500).send(envelope('internal', 'Internal server error.', { requestId: request.id }));
}

/** 404 for any route the server does not have. */
export function handleNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send(envelope('not-found', `No route ${request.method} ${(request.url.split('?')[0] ?? '').slice(0, 200)}.`));
}
