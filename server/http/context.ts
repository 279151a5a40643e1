import { availableParallelism } from 'node:os';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ErrorEnvelope } from '../../schemas/index.js';
import type { Metrics } from './metrics.js';
import type { CodeIndex } from '../../indexer/index.js';
import type { RepositoryRegistry } from './repositories/registry.js';
import type { OpenStreams } from './sse.js';
import type { TaskDispatcher } from './tasks/task-dispatch.js';
import type { TaskStore } from './tasks/task-store.js';

/** The Fastify instance of the server, typed by the TypeBox schemas of its routes. */
export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Limits of a server; every one has a default sized for a workstation. */
export interface ServerLimits {
  /** Largest request body, in bytes (413 beyond). */
  bodyLimit: number;
  /** Tasks that run at once. */
  concurrency: number;
  /** Tasks that may wait in the queue (429 beyond). */
  maxQueue: number;
  /** Interval of the comment lines that keep an event stream open. */
  heartbeatMs: number;
  /** How long shutdown waits for aborted tasks to end. */
  shutdownGraceMs: number;
  /** Requests per second per client on every route but /healthz (0: no limit), and the burst allowed. */
  ratePerSecond: number;
  rateBurst: number;
  /** Connections open at once; the server closes more as they arrive (idle ones must not exhaust file descriptors). */
  maxConnections: number;
  /** How long a connection may take to send its request headers before it is answered 408 and closed. */
  headersTimeoutMs: number;
}

/** The default concurrency: one task per two cores, at least one (a task runs builds and tests of its own). */
export function defaultConcurrency(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

/** Default limits, overridden by the given ones. */
export function resolveLimits(limits: Partial<ServerLimits> = {}): ServerLimits {
  return { bodyLimit: 1024 * 1024, concurrency: defaultConcurrency(), maxQueue: 100, heartbeatMs: 15_000, shutdownGraceMs: 10_000, ratePerSecond: 100, rateBurst: 200, maxConnections: 256, headersTimeoutMs: 10_000, ...limits };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's services, for the entry point (and tests) to wait on and inspect. */
    minions: ServerContext;
  }
}

/** What the route plugins share. */
export interface ServerContext {
  index: CodeIndex;
  registry: RepositoryRegistry;
  tasks: TaskStore;
  queue: TaskDispatcher;
  metrics: Metrics;
  limits: ServerLimits;
  streams: OpenStreams;
}

/** Error responses of a route besides 401 and 500 (which any route may answer), for the OpenAPI document. */
export function errorResponses(...statuses: number[]): Record<number, typeof ErrorEnvelope> {
  return Object.fromEntries([...statuses, 401, 500].map((status) => [status, { ...ErrorEnvelope, description: errorDescriptions[status] ?? 'Error' }]));
}

const errorDescriptions: Record<number, string> = {
  400: 'Malformed request: invalid JSON, unknown field, wrong type',
  401: 'Missing or wrong bearer token (when the server has one)',
  404: 'No such route, repository or task',
  409: 'Not possible in the current state',
  413: 'Request body too large',
  415: 'Request body is not JSON',
  429: 'Task queue full, or too many requests from this client; see Retry-After',
  500: 'Internal error (details in the server log)',
  503: 'A dependency is unavailable: the agent, a model or a damaged index',
  507: 'The disk of the data directory is full: nothing was recorded',
};

/** An AbortSignal that fires when the client goes away before its answer is sent. */
export function clientSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
