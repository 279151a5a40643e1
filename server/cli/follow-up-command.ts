// `minions tasks follow-up <id> "<more>"`: a follow-up of a finished task, asked of a running
// `minions serve` over HTTP (the server owns the tasks, so it must be the one to run it).
import { parseArgs } from 'node:util';
import { MinionsError, type ErrorCode } from '../../schemas/index.js';
import { quickDataDir } from '../data-dir.js';
import { readRunningServer } from '../server-file.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { followUpUsage } from './usage.js';

/** `minions tasks follow-up <id> "<more>" [--server URL] [--json]`: queues the follow-up and prints its id. */
export async function followUpCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { server: { type: 'string' }, json: { type: 'boolean', default: false }, model: { type: 'string' }, 'data-dir': { type: 'string' } },
  });
  const [id, ...words] = positionals;
  if (id === undefined || words.length === 0) throw new MinionsError('invalid-argument', `Usage: ${followUpUsage}`);
  const base = values.server ?? (await localServer(io, values['data-dir']));
  const body = { prompt: words.join(' '), ...(values.model === undefined ? {} : { model: values.model }) };
  const token = io.env['MINIONS_TOKEN'];
  const url = new URL(`/v1/tasks/${encodeURIComponent(id)}/follow-ups`, base);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: io.signal,
  }).catch((error: unknown) => {
    if (io.signal.aborted) throw error;
    throw new MinionsError('agent-unavailable', `No minions server answers at ${url.origin} (${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}).`);
  });
  const answer = (await response.json().catch(() => undefined)) as { id?: string; status?: string; error?: { code?: ErrorCode; message?: string } } | undefined;
  if (response.status !== 202 || answer?.id === undefined) {
    throw new MinionsError(answer?.error?.code ?? 'internal', answer?.error?.message ?? `The server answered ${response.status}.`);
  }
  if (values.json) await write(io.stdout, `${JSON.stringify({ id: answer.id, status: answer.status, followUpOf: id })}\n`);
  else await write(io.stdout, `Follow-up ${answer.id} of ${id} is ${answer.status ?? 'queued'}: it continues on the branch of ${id}.\n`);
  return 0;
}

/** The URL of the `minions serve` of this data directory; a clear error when none runs. */
async function localServer(io: CommandIo, dataDir: string | undefined): Promise<string> {
  const folder = quickDataDir(io.env, dataDir, io.cwd);
  const server = await readRunningServer(folder);
  if (server === undefined) throw new MinionsError('agent-unavailable', `No minions server runs on ${folder}: start one with \`minions serve\`, or name one with --server URL.`);
  return server.url;
}
