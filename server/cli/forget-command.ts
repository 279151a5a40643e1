// `minions forget <repo>`: removes a repository's index (tables, record, lock), and its
// entry in the server's registry when no server runs (a running server is asked through
// its API instead: it watches the repository and would index it again).
import { realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { forgetRepository } from '../../indexer/index.js';
import { MinionsError } from '../../schemas/index.js';
import { loadConfig } from '../config.js';
import { readRegistry, writeRegistry, type RegisteredRepository } from '../http/repositories/registry-file.js';
import { readRunningServer } from '../server-file.js';
import type { CommandIo } from './io.js';
import { formatBytes } from './repos-command.js';
import { terminalSafe, write } from './output.js';
import { forgetUsage } from './usage.js';

/** `minions forget <repo-path|id> [--json]`: removes a repository's index. */
export async function forgetCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } } });
  const [given] = positionals;
  if (given === undefined || positionals.length !== 1) throw new MinionsError('invalid-argument', `Usage: ${forgetUsage}`);
  const { dataDir } = loadConfig(io.env, { dataDir: values['data-dir'] }, io.cwd);
  const target = /^[0-9a-f]{16}$/.test(given) ? given : resolve(io.cwd, given);
  const registryFile = join(dataDir, 'server', 'repositories.json');
  const server = await readRunningServer(dataDir);
  const registered = await registeredAs(registryFile, target);
  if (server !== undefined && registered !== undefined) {
    throw new MinionsError(
      'conflict',
      `The minions server running on ${dataDir} (pid ${server.pid}) has ${registered.root} registered: remove it through the API (curl -X DELETE ${server.url}/v1/repositories/${registered.id}), then forget it; or stop the server first.`,
    );
  }
  const forgotten = await forgetRepository(dataDir, target, { command: `minions forget ${target}` });
  // No server runs: its registry would index the repository again at the next start.
  const unregistered = server === undefined && (await unregister(registryFile, registered?.id ?? forgotten.repositoryId));
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ ...forgotten, unregistered }, null, 2)}\n`);
    return 0;
  }
  const registry = unregistered ? '; removed from the server\'s registered repositories' : '';
  await write(io.stdout, `Forgot ${terminalSafe(forgotten.root)} (${forgotten.repositoryId}): ${forgotten.tables.length} tables, ${formatBytes(forgotten.bytes)} freed${registry}.\n`);
  return 0;
}

/** The registry entry of a repository named by id or path (its real path, or as registered), if any. */
async function registeredAs(file: string, target: string): Promise<RegisteredRepository | undefined> {
  const repositories = await readRegistry(file);
  const real = await realpath(target).catch(() => target);
  return repositories.find((entry) => entry.id === target || entry.root === real || entry.root === target || entry.path === target);
}

/** Removes an id from the registry file; whether it was there. */
async function unregister(file: string, id: string): Promise<boolean> {
  const repositories = await readRegistry(file);
  const kept = repositories.filter((entry) => entry.id !== id);
  if (kept.length === repositories.length) return false;
  await writeRegistry(file, kept);
  return true;
}
