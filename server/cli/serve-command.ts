import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { acquireLock, describeHolder, type LockHolder } from '../../platform/index.js';
import { MinionsError, type LogLevel } from '../../schemas/index.js';
import { createPublisher, createRunner, loadAgentSettings } from '../agent-wiring.js';
import { loadConfig, privacyFlag, privacyOptions, type EmbedderChoice } from '../config.js';
import { checkDataDirectory } from '../data-dir-check.js';
import { buildApp } from '../http/app.js';
import { checkBindAddress } from '../http/auth.js';
import { defaultConcurrency } from '../http/context.js';
import { redactedUrl, redisConnection, redisTaskQueue, type RedisConnection } from '../queue/index.js';
import { openCodeIndex } from '../runtime.js';
import { publishServer, localUrl } from '../server-file.js';
import { readSetting } from '../settings.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { reviewFlags, reviewOptions, type ReviewValues } from './review-options.js';
import { serveUsage } from './usage.js';

/** The server's slice of the configuration: option, then environment variable, then default. */
export interface ServeSettings {
  host: string;
  port: number;
  token: string | undefined;
  concurrency: number;
  maxQueue: number;
  /** Requests per second per client (0: no limit); bursts of twice as many. */
  ratePerSecond: number;
  rateBurst: number;
  logLevel: LogLevel;
  maxConnections: number;
  headersTimeoutMs: number;
  /** `POST /v1/hooks/ci`: the HMAC secret (undefined: the hook is off) and tasks per repository per hour. */
  hookSecret: string | undefined;
  hookTasksPerHour: number;
  /** redis://... of the BullMQ queue workers take tasks from; undefined: tasks run in this process. */
  queue: string | undefined;
  /** Runs of a task again after its worker was lost (queue only). */
  taskRetries: number;
}

/** Resolves the server's settings from the command line (as `parseArgs` returns them) and the environment. */
export function loadServeSettings(env: NodeJS.ProcessEnv, options: { host?: string | undefined; port?: string | undefined; token?: string | undefined; concurrency?: string | undefined; 'max-queue'?: string | undefined; 'rate-limit'?: string | undefined; 'max-connections'?: string | undefined; queue?: string | undefined; 'task-retries'?: string | undefined }): ServeSettings {
  const explicit = { host: options.host, port: options.port, token: options.token, concurrency: options.concurrency, maxQueue: options['max-queue'], rateLimit: options['rate-limit'], maxConnections: options['max-connections'] };
  const rate = readSetting('rateLimit', env, explicit);
  const token = readSetting('token', env, explicit);
  const queue = readSetting('queue', env, { queue: options.queue });
  return {
    host: readSetting('host', env, explicit),
    port: readSetting('port', env, explicit),
    token: token === '' ? undefined : token,
    concurrency: readSetting('concurrency', env, explicit) ?? defaultConcurrency(),
    maxQueue: readSetting('maxQueue', env, explicit),
    ratePerSecond: rate,
    rateBurst: rate * 2,
    logLevel: readSetting('logLevel', env, explicit),
    maxConnections: readSetting('maxConnections', env, explicit),
    headersTimeoutMs: readSetting('headersTimeout', env, explicit) * 1000,
    hookSecret: readSetting('hookSecret', env, explicit) || undefined,
    hookTasksPerHour: readSetting('hookTasksPerHour', env, explicit),
    queue: queue === '' ? undefined : queue,
    taskRetries: readSetting('taskRetries', env, { taskRetries: options['task-retries'] }),
  };
}

/** The embedder as `--embedder` names it, for clients to tell whether this server queries the way they would. */
function embedderName(choice: EmbedderChoice): string {
  if (choice.kind === 'default') return 'default';
  return choice.kind === 'ollama' ? `ollama:${choice.model}` : `hf:${choice.modelId}`;
}

/** A failure to listen that is the user's to fix (a port in use, a privileged port, an address not of this machine), as one line. */
function listenError(error: unknown, settings: ServeSettings): MinionsError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${settings.host}:${settings.port}`;
  const options = { cause: error };
  if (code === 'EADDRINUSE') return new MinionsError('conflict', `Port ${settings.port} on ${settings.host} is already in use by another program: stop it, or choose another port with --port (MINIONS_PORT).`, options);
  if (code === 'EACCES') return new MinionsError('conflict', `Not allowed to listen on ${where} (ports below 1024 need privileges): choose another port with --port (MINIONS_PORT).`, options);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new MinionsError('invalid-argument', `Cannot listen on ${settings.host}: it is not an address of this machine (--host or MINIONS_HOST).`, options);
  return undefined;
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((done) => (signal.aborted ? done() : signal.addEventListener('abort', () => done(), { once: true })));
}

/**
 * `minions serve`: the HTTP API on the local index until SIGINT or SIGTERM, then a
 * graceful stop: no new connections, running tasks interrupted, LanceDB closed, exit 0.
 */
export async function serveCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      repo: { type: 'string', multiple: true },
      token: { type: 'string' },
      concurrency: { type: 'string' },
      'max-queue': { type: 'string' },
      'rate-limit': { type: 'string' },
      'max-connections': { type: 'string' },
      queue: { type: 'string' },
      'task-retries': { type: 'string' },
      'data-dir': { type: 'string' },
      embedder: { type: 'string' },
      threads: { type: 'string' },
      model: { type: 'string' },
      temperature: { type: 'string' },
      ...reviewOptions,
      ...privacyOptions,
    },
  });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${serveUsage}`);
  const settings = loadServeSettings(io.env, values);
  checkBindAddress(settings.host, settings.token);
  // Checked before anything opens: a Redis off loopback without a password is refused here.
  const queueConnection = settings.queue === undefined ? undefined : redisConnection(settings.queue);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values), allowNetworkCommands: values['allow-network-commands'], allowUnsandboxedCommands: values['allow-unsandboxed-commands'] }, io.cwd);
  await checkDataDirectory(config.dataDir);
  const dataLock = await lockDataDirectory(config.dataDir);
  try {
    return await serve(values, settings, config, io, queueConnection);
  } finally {
    await dataLock.release();
  }
}

/**
 * One server per data directory: two would run the same queued tasks, mark each
 * other's running tasks interrupted and interleave task logs. The second is refused
 * at start, naming the first.
 */
export async function lockDataDirectory(dataDir: string): Promise<{ release(): Promise<void> }> {
  try {
    return await acquireLock(join(dataDir, 'locks', 'server.lock'), { command: 'minions serve' });
  } catch (error) {
    if (!(error instanceof MinionsError) || error.code !== 'conflict') throw error;
    const holder = error.details?.['holder'] as LockHolder;
    throw new MinionsError('conflict', `Another server already uses the data directory ${dataDir}: ${describeHolder(holder)}. Stop it first, or start this one with another --data-dir.`, { cause: error });
  }
}

async function serve(values: { repo?: string[] | undefined; model?: string | undefined; temperature?: string | undefined } & ReviewValues, settings: ServeSettings, config: ReturnType<typeof loadConfig>, io: CommandIo, queueConnection: RedisConnection | undefined): Promise<number> {
  const log = pino({ level: settings.logLevel, redact: ['req.headers.authorization'] }, io.stderr);
  const index = await openCodeIndex(config, log.child({ component: 'index' }), 'minions serve');
  try {
    // The agent (Ollama at OLLAMA_HOST, MINIONS_MODEL) with code search over this index; tasks run on registered repositories.
    const agentSettings = loadAgentSettings(io.env, config, { model: values.model, temperature: values.temperature, ...reviewFlags(values) });
    // With a queue, `minions worker` processes run the tasks; this server keeps the logs and the indexes.
    const runner = queueConnection === undefined ? createRunner(agentSettings, index, io.env, createPublisher(config, io.env)) : undefined;
    const taskQueue = queueConnection === undefined ? undefined : redisTaskQueue({ connection: queueConnection, retries: settings.taskRetries });
    const app = await buildApp({ index, runner, taskQueue, numCtx: agentSettings.numCtx, watch: true, dataDir: config.dataDir, worktreesDir: join(config.dataDir, 'worktrees'), log, host: settings.host, token: settings.token, limits: settings, hooks: { secret: settings.hookSecret, tasksPerHour: settings.hookTasksPerHour } });
    try {
      for (const path of values.repo ?? []) await app.minions.registry.register(resolve(io.cwd, path));
      const address = await app.listen({ host: settings.host, port: settings.port }).catch((error: unknown) => {
        throw listenError(error, settings) ?? error;
      });
      // `minions query` on this data directory asks this server instead of opening the index itself.
      const published = await publishServer(config.dataDir, { url: localUrl(app.server.address() as AddressInfo), token: settings.token !== undefined, embedder: embedderName(config.embedder) });
      try {
        await write(io.stdout, `minions: serving ${address} (web UI at ${address}/, API under /v1, docs at ${address}/docs)${settings.queue === undefined ? '' : `; tasks on the queue ${redactedUrl(settings.queue)}`}\n`);
        await aborted(io.signal);
        log.info('shutting down');
      } finally {
        await published.remove();
      }
    } finally {
      await app.close();
    }
    return 0;
  } finally {
    await index.close();
  }
}
