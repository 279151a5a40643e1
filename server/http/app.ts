import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import { removeStaleWorktrees } from '../../agent/index.js';
import type { CodeIndex } from '../../indexer/index.js';
import type { TaskRunner } from '../../schemas/index.js';
import { bearerAuth, checkBindAddress } from './auth.js';
import { resolveLimits, type App, type ServerContext, type ServerLimits } from './context.js';
import { handleError, handleNotFound } from './errors.js';
import { Metrics } from './metrics.js';
import { mcpRoutes } from '../mcp/http-route.js';
import { rateLimiter } from './rate-limit.js';
import { RepositoryRegistry } from './repositories/registry.js';
import { followUpRoutes } from './routes/follow-ups.js';
import { hookRoutes, type HookSettings } from './routes/hooks.js';
import { contextRoutes } from './routes/context.js';
import { repoMapRoutes } from './routes/repo-map.js';
import { repositoryRoutes } from './routes/repositories.js';
import { symbolRoutes } from './routes/symbols.js';
import { systemRoutes } from './routes/system.js';
import { statsRoutes } from './routes/stats.js';
import { taskRoutes } from './routes/tasks.js';
import { defaultUiDir, uiRoutes } from './routes/ui.js';
import type { TaskDispatcherFactory } from './tasks/task-dispatch.js';
import { TaskQueue } from './tasks/task-queue.js';
import type { OpenLogFile } from './tasks/task-log.js';
import { TaskStore } from './tasks/task-store.js';

/** What the server is built from; tests pass doubles for the index and the runner. */
export interface AppOptions {
  /** The code index (`openIndex`). The caller owns it and closes it after the app. */
  index: CodeIndex;
  /** The agent; without one, `POST /v1/tasks` answers 503 `agent-unavailable`. */
  runner: TaskRunner | undefined;
  /** Holds `server/repositories.json` and `tasks/<id>.ndjson`. */
  dataDir: string;
  log: Logger;
  /** The address the server will listen on; other than loopback, it needs a token. */
  host?: string | undefined;
  /** Bearer token required on every route but `/healthz`. */
  token?: string | undefined;
  limits?: Partial<ServerLimits> | undefined;
  /** Keep the indexes of registered repositories fresh as their files change (the handles' `watch`). */
  watch?: boolean | undefined;
  /**
   * Minions' worktrees folder (`<data dir>/worktrees`): at start, worktrees under it that a
   * killed server left registered in the repositories are removed (branches kept).
   */
  worktreesDir?: string | undefined;
  /** num_ctx of the agent's model when configured: `POST /v1/context`'s default budget is the agent's for it. */
  numCtx?: number | undefined;
  /** Opens the task logs' files; tests pass one that writes short or fails as a full disk does. */
  taskFiles?: OpenLogFile | undefined;
  /** The bundled web UI served at `/` (default: the package's `dist/ui`, built by `npm run build`). */
  uiDir?: string | undefined;
  /** `POST /v1/hooks/ci`: its HMAC secret (none: the hook is off) and tasks per repository per hour. */
  hooks?: HookSettings | undefined;
  /** Another task queue than the in-process one (`minions serve --queue`: BullMQ, tasks run on workers; `runner` is then unused). */
  taskQueue?: TaskDispatcherFactory | undefined;
}

/**
 * Builds the HTTP server: TypeBox schemas validate, serialize and document every
 * route (unknown fields are rejected, not stripped); one error handler gives every
 * failure the `{ error: { code, message, details } }` envelope. Loads the persisted
 * repositories and tasks (a task that was running is marked interrupted; queued ones
 * run again). Closing the app ends event streams, interrupts running tasks and stops
 * indexing; the index itself is the caller's to close.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  checkBindAddress(options.host ?? '127.0.0.1', options.token);
  const limits = resolveLimits(options.limits);
  const log = options.log;
  const httpLog: FastifyBaseLogger = log.child({ component: 'http' });
  const app: App = Fastify({
    loggerInstance: httpLog,
    bodyLimit: limits.bodyLimit,
    // A connection that sends no headers is closed after headersTimeoutMs, checked often enough to
    // matter; the whole request (not the response: event streams stay open) must arrive in 30 s.
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: requestTimeoutMs(limits), connectionsCheckingInterval: Math.min(1000, Math.max(50, limits.headersTimeoutMs / 4)) },
    requestTimeout: requestTimeoutMs(limits),
    // A typo in a request field is a 400, and "5" is not a number.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true } },
    // Errors the router raises before any route (a malformed URL) get the envelope too.
    frameworkErrors: handleError,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.server.maxConnections = limits.maxConnections;
  // JSON is the only request body the API takes: anything else is 415, not a string to validate.
  app.removeContentTypeParser('text/plain');

  // Fed every task event, those in the logs first: the success metrics survive a restart.
  const metrics = new Metrics();
  // Tasks on another queue run on its workers, which a restart of this server does not stop: they stay running.
  const tasks = await TaskStore.open(join(options.dataDir, 'tasks'), { log: log.child({ component: 'tasks' }), observe: (id, event) => metrics.observeTask(id, event), keepRunning: options.taskQueue !== undefined, ...(options.taskFiles ? { openFile: options.taskFiles } : {}) });
  const queueLog = log.child({ component: 'queue' });
  const queue = options.taskQueue
    ? await options.taskQueue({ store: tasks, limits, log: queueLog })
    : new TaskQueue({ store: tasks, runner: options.runner, concurrency: limits.concurrency, maxQueue: limits.maxQueue, graceMs: limits.shutdownGraceMs, log: queueLog });
  const registry = await RepositoryRegistry.open({ file: join(options.dataDir, 'server', 'repositories.json'), index: options.index, log: log.child({ component: 'repositories' }), watch: options.watch });
  const context: ServerContext = { index: options.index, registry, tasks, queue, metrics, limits, streams: new Set() };

  app.decorate('minions', context);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler(handleNotFound);
  if (options.token) app.addHook('onRequest', bearerAuth(options.token));
  app.addHook('onRequest', rateLimiter({ perSecond: limits.ratePerSecond, burst: limits.rateBurst }));
  app.addHook('onResponse', async (request, reply) => {
    context.metrics.observe(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.addHook('preClose', async () => {
    await queue.close();
    for (const finish of [...context.streams]) finish();
  });
  app.addHook('onClose', async () => {
    await registry.close();
    await tasks.close();
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'minions', version: '1.0.0', description: 'Self-hosted coding agents on a local code index: repositories, semantic queries, tasks.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required on every route but /healthz when the server has a token.' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'repositories', description: 'Registered repositories and their indexes' },
        { name: 'query', description: 'Semantic search' },
        { name: 'tasks', description: 'Tasks for minions, their events and results' },
        { name: 'system', description: 'Health and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(systemRoutes, { context });
  await app.register(repositoryRoutes, { context, prefix: '/v1' });
  await app.register(taskRoutes, { context, prefix: '/v1' });
  await app.register(contextRoutes, { context, prefix: '/v1', numCtx: options.numCtx });
  await app.register(symbolRoutes, { context, prefix: '/v1' });
  await app.register(repoMapRoutes, { context, prefix: '/v1' });
  await app.register(mcpRoutes, { log: log.child({ component: 'mcp' }) });
  await app.register(followUpRoutes, { context, prefix: '/v1' });
  await app.register(statsRoutes, { context, prefix: '/v1' });
  await app.register(hookRoutes, { context, prefix: '/v1', settings: options.hooks ?? {} });
  await app.register(uiRoutes, { folder: options.uiDir ?? (await defaultUiDir()) });

  if (options.worktreesDir !== undefined) await removeLeftWorktrees(options.worktreesDir, registry, tasks, log.child({ component: 'worktrees' }));
  queue.resume(tasks.queued());
  return app;
}

/** The time a request (headers and body) may take to arrive: 30 s, and never less than the headers' own timeout. */
function requestTimeoutMs(limits: ServerLimits): number {
  return Math.max(30_000, limits.headersTimeoutMs);
}

/**
 * Removes the worktrees a server killed mid-task (kill -9, a crash) left registered in
 * the repositories it worked on: registered ones and those of known tasks. No task runs
 * yet, so every worktree under the folder is stale. A repository that is gone is skipped.
 */
async function removeLeftWorktrees(worktreesDir: string, registry: RepositoryRegistry, tasks: TaskStore, log: Logger): Promise<void> {
  const roots = new Set([...registry.list().map((repository) => repository.root), ...tasks.list().flatMap((task) => tasks.root(task.id) ?? [])]);
  const signal = new AbortController().signal;
  for (const root of roots) {
    try {
      const removed = await removeStaleWorktrees(root, worktreesDir, signal);
      if (removed.length > 0) log.warn({ repository: root, worktrees: removed }, 'removed worktrees a server that stopped without cleaning up left behind; their branches are kept');
    } catch (error) {
      log.warn({ err: error, repository: root }, 'could not check the repository for worktrees left behind');
    }
  }
}
