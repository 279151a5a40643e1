// `minions worker`: runs the tasks of a `minions serve --queue redis://...` on this machine,
// with code search through that server's API (or this machine's own index with
// --local-index), until SIGINT/SIGTERM.
import { hostname } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { MinionsError } from '../../schemas/index.js';
import { createIndexSearch, createSearchRunner, loadAgentSettings } from '../agent-wiring.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { defaultConcurrency } from '../http/context.js';
import { parseClones, redactedUrl, redisConnection, remoteSearch, RepositoryCache, TaskWorker } from '../queue/index.js';
import { openCodeIndex } from '../runtime.js';
import { findServer, ServerClient } from '../server-client.js';
import { readSetting } from '../settings.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { workerUsage } from './usage.js';

/** A worker's own settings: option, then environment variable, then default. */
export interface WorkerSettings {
  queue: string;
  server: string;
  concurrency: number;
  lockMs: number;
  stalledCheckMs: number;
}

/** Resolves the worker's settings; the queue and the server are required. */
export function loadWorkerSettings(env: NodeJS.ProcessEnv, options: { queue?: string | undefined; server?: string | undefined; concurrency?: string | undefined }): WorkerSettings {
  const queue = readSetting('queue', env, { queue: options.queue });
  const server = readSetting('server', env, { server: options.server });
  if (queue === undefined || queue === '') throw new MinionsError('invalid-argument', `A worker needs the queue: --queue redis://HOST:PORT or MINIONS_QUEUE. Usage: ${workerUsage}`);
  if (server === undefined || server === '') throw new MinionsError('invalid-argument', `A worker needs its server: --server URL or MINIONS_SERVER. Usage: ${workerUsage}`);
  return {
    queue,
    server,
    concurrency: readSetting('concurrency', env, { concurrency: options.concurrency }) ?? defaultConcurrency(),
    lockMs: readSetting('queueLock', env) * 1000,
    stalledCheckMs: readSetting('queueStalledCheck', env) * 1000,
  };
}

/**
 * `FROM=TO` pairs (`--path-map`): a repository the server has at FROM/x is at TO/x on this
 * machine. Returns both directions; without pairs, paths are the same on both sides.
 */
export function pathMapping(pairs: readonly string[]): { local: (serverRoot: string) => string; server: (localRoot: string) => string } {
  const map = pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0 || at === pair.length - 1) throw new MinionsError('invalid-argument', `--path-map takes SERVER_PATH=WORKER_PATH, not "${pair}".`);
    return { from: resolve(pair.slice(0, at)), to: resolve(pair.slice(at + 1)) };
  });
  const swap = (path: string, from: string, to: string): string | undefined => (path === from ? to : path.startsWith(`${from}${sep}`) ? `${to}${path.slice(from.length)}` : undefined);
  return {
    local: (root) => map.map(({ from, to }) => swap(root, from, to)).find((path) => path !== undefined) ?? root,
    server: (root) => map.map(({ from, to }) => swap(root, to, from)).find((path) => path !== undefined) ?? root,
  };
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((done) => (signal.aborted ? done() : signal.addEventListener('abort', () => done(), { once: true })));
}

/** `minions worker`: takes tasks from the queue until SIGINT/SIGTERM, then reports running ones interrupted and exits 0. */
export async function workerCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      queue: { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      concurrency: { type: 'string' },
      'path-map': { type: 'string', multiple: true },
      clone: { type: 'string', multiple: true },
      'local-index': { type: 'boolean' },
      'data-dir': { type: 'string' },
      model: { type: 'string' },
      temperature: { type: 'string' },
      ...privacyOptions,
    },
  });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${workerUsage}`);
  const settings = loadWorkerSettings(io.env, values);
  const connection = redisConnection(settings.queue);
  const paths = pathMapping(values['path-map'] ?? []);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], privacy: privacyFlag(values), allowNetworkCommands: values['allow-network-commands'], allowUnsandboxedCommands: values['allow-unsandboxed-commands'] }, io.cwd);
  const clones = values.clone === undefined ? undefined : new RepositoryCache(join(config.dataDir, 'worker', 'repositories'), parseClones(values.clone));
  const agentSettings = loadAgentSettings(io.env, config, { model: values.model, temperature: values.temperature });
  // A worker's worktrees are its own: a server on the same data directory removes those under `worktrees/` at start.
  agentSettings.worktreesDir = join(config.dataDir, 'worker', 'worktrees');
  const client = new ServerClient(await findServer({ server: settings.server, token: values.token }, io.env, io.cwd));
  // A wrong URL or token fails here, in one line, not at the first task.
  await client.request('GET', '/v1/repositories', { signal: io.signal });
  const log = pino({ level: readSetting('logLevel', io.env), redact: ['connection.password'] }, io.stderr);
  const index = values['local-index'] === true ? await openCodeIndex(config, log.child({ component: 'index' }), 'minions worker') : undefined;
  try {
    const search = index === undefined ? remoteSearch(client, (root) => clones?.serverRoot(root) ?? paths.server(root)) : createIndexSearch(index);
    const name = `${hostname()}:${process.pid}`;
    const worker = await TaskWorker.start({ connection, runner: createSearchRunner(agentSettings, search, io.env), client, concurrency: settings.concurrency, name, lockMs: settings.lockMs, stalledCheckMs: settings.stalledCheckMs, localRoot: paths.local, ...(clones === undefined ? {} : { clones }), log: log.child({ component: 'worker' }) });
    try {
      await write(io.stdout, `minions: worker ${name} taking tasks from ${redactedUrl(settings.queue)} for ${client.target.url} (${settings.concurrency} at a time)\n`);
      await aborted(io.signal);
      log.info('shutting down');
    } finally {
      await worker.close();
    }
    return 0;
  } finally {
    await index?.close();
  }
}
