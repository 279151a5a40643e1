// `minions query` through the `minions serve` running on the same data directory: the
// server has the index open and the model loaded, so it answers in milliseconds where a
// fresh process spends most of a second loading LanceDB (and the embedder for hybrid).
// Node built-ins and light modules only; anything but a clean answer falls back to the
// in-process query, which then reports errors exactly as it always has.
import { request as httpRequest } from 'node:http';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { quickDataDir } from '../data-dir.js';
import { readRunningServer } from '../server-file.js';
import type { CommandIo } from './io.js';
import { printAnswer, queryOptions, type PrintedAnswer } from './query-output.js';

/**
 * How long the server may take to answer before this process answers itself. Generous on
 * purpose: a server's first hybrid query loads the model (seconds on a busy machine), which
 * a fallback would only do again here; a server that accepts but never answers (stopped,
 * swamped) costs at most this much.
 */
export const SERVER_ANSWER_MS = 5000;

/** The embedder this invocation is configured with, as the server publishes its own. */
function configuredEmbedder(option: string | undefined, env: NodeJS.ProcessEnv): string {
  const text = option ?? env['MINIONS_EMBEDDER'] ?? '';
  return text === '' ? 'default' : text;
}

/**
 * Answers `minions query` through a running server when there is one for the data
 * directory, with the same embedder, reachable with the token it needs (MINIONS_TOKEN),
 * and it answers 200 within `SERVER_ANSWER_MS`. Returns the exit code, or undefined when
 * the query must run in this process (no server, a stale file, an unregistered
 * repository, any error: the in-process path gives the canonical message).
 */
export async function queryThroughServer(argv: readonly string[], io: CommandIo): Promise<number | undefined> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: queryOptions });
  const [repo, ...words] = positionals;
  if (repo === undefined || words.length === 0) return undefined;
  const server = await readRunningServer(quickDataDir(io.env, values['data-dir'], io.cwd));
  if (server === undefined || server.embedder !== configuredEmbedder(values.embedder, io.env)) return undefined;
  const token = io.env['MINIONS_TOKEN'];
  if (server.token && !token) return undefined;
  const root = resolve(io.cwd, repo);
  const filters = { ...(values.language ? { languages: values.language } : {}), ...(values.path !== undefined ? { pathPrefix: values.path } : {}) };
  // Not checked here: the server checks the body against the same schema; a 400 falls back and is reported in process.
  const body = { repo: root, query: words.join(' '), k: Number(values.k), ...(values.mode !== undefined ? { mode: values.mode } : {}), ...(values.group !== undefined ? { group: values.group } : {}), ...(Object.keys(filters).length > 0 ? { filters } : {}) };
  const answer = await post(`${server.url}/v1/query`, body, server.token ? token : undefined, io.signal);
  if (answer === undefined) return undefined;
  const shownRoot = await realpath(root).catch(() => root);
  await printAnswer(io, answer, { json: values.json, askedMode: values.mode, root: shownRoot, via: 'server' });
  return 0;
}

/** POSTs JSON; the parsed 200 answer, or undefined on any other status, a connection error or the deadline. */
function post(url: string, body: unknown, token: string | undefined, signal: AbortSignal): Promise<PrintedAnswer | undefined> {
  const payload = JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
  if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
  return new Promise((done, fail) => {
    const request = httpRequest(url, { method: 'POST', headers, agent: false, signal: AbortSignal.any([signal, AbortSignal.timeout(SERVER_ANSWER_MS)]) }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('error', () => done(undefined));
      response.on('end', () => {
        if (response.statusCode !== 200) return done(undefined);
        try {
          done(JSON.parse(Buffer.concat(parts).toString('utf8')) as PrintedAnswer);
        } catch {
          done(undefined);
        }
      });
    });
    // Ctrl-C is the user's; a deadline or a refused connection means answering here.
    request.on('error', (error) => (signal.aborted ? fail(error) : done(undefined)));
    request.end(payload);
  });
}
