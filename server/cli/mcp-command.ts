// `minions mcp`: the MCP server on stdio, for editors and coding agents that start it as a
// child process. It talks to the `minions serve` of the data directory when one runs (or to
// --server URL), so tasks work and the index is opened once; otherwise it serves the index
// in this process and tasks answer with how to start a server. stdout carries only the
// protocol: logs go to stderr.
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { pino, type Logger } from 'pino';
import { MinionsError } from '../../schemas/index.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { quickDataDir } from '../data-dir.js';
// Not the index: a session through a running server never loads LanceDB or the models.
import { createMcpServer } from '../mcp/mcp-server.js';
import { apiOperations, type McpOperations } from '../mcp/operations.js';
import { ServerClient, findServer } from '../server-client.js';
import { readRunningServer } from '../server-file.js';
import { readSetting } from '../settings.js';
import type { CommandIo } from './io.js';
import { mcpUsage } from './usage.js';

const options = {
  server: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  embedder: { type: 'string' },
  threads: { type: 'string' },
  privacy: privacyOptions.privacy,
  'no-privacy': privacyOptions['no-privacy'],
} as const;

/** Until the client closes stdin (it ends the session that way) or the process is told to stop. */
function sessionEnd(stdin: NodeJS.ReadableStream, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    stdin.once('end', done);
    stdin.once('close', done);
    signal.addEventListener('abort', () => done(), { once: true });
  });
}

/** Serves MCP on stdin/stdout with `operations` until the session ends. */
async function serveStdio(operations: McpOperations, io: CommandIo, log: Logger): Promise<void> {
  const stdin = io.stdin ?? process.stdin;
  const server = createMcpServer(operations, { version: '1.0.0', log });
  const ended = sessionEnd(stdin, io.signal);
  await server.connect(new StdioServerTransport(stdin, io.stdout));
  await ended;
  await server.close();
}

/** `minions mcp [--server URL] [--token T] [--data-dir DIR]`: MCP over stdio until the client disconnects. */
export async function mcpCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options, allowPositionals: true });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${mcpUsage}`);
  if (io.stdout === process.stdout) {
    // A library that prints with console.log would corrupt the protocol on stdout.
    console.log = console.error;
    console.info = console.error;
    console.debug = console.error;
  }
  const log = pino({ level: readSetting('logLevel', io.env, {}), base: { component: 'mcp' } }, io.stderr);
  const running = values.server === undefined ? await readRunningServer(quickDataDir(io.env, values['data-dir'], io.cwd)) : undefined;
  if (values.server !== undefined || running !== undefined) {
    const target = await findServer({ server: values.server, token: values.token, dataDir: values['data-dir'] }, io.env, io.cwd);
    log.info({ server: target.url }, 'serving MCP through the running minions server');
    await serveStdio(apiOperations(new ServerClient(target)), io, log);
    return 0;
  }
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const [{ openCodeIndex }, { localOperations }] = await Promise.all([import('../runtime.js'), import('../mcp/local-operations.js')]);
  const index = await openCodeIndex(config, log.child({ component: 'index' }));
  try {
    log.info({ dataDir: config.dataDir }, 'no minions server runs on the data directory: serving the index in this process (tasks need `minions serve`)');
    await serveStdio(localOperations(index, { numCtx: readSetting('numCtx', io.env, {}) }), io, log);
    return 0;
  } finally {
    await index.close();
  }
}
