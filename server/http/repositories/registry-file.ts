import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { MinionsError, RepositoryPublish } from '../../../schemas/index.js';

/** One registered repository as persisted: the path it was registered with and its real root. */
export const RegisteredRepository = Type.Object({
  id: Type.String(),
  root: Type.String(),
  path: Type.String(),
  registeredAt: Type.String(),
  publish: Type.Optional(RepositoryPublish),
});
export type RegisteredRepository = Static<typeof RegisteredRepository>;

/** Where the server keeps its registered repositories in a data directory. */
export function registryFile(dataDir: string): string {
  return join(dataDir, 'server', 'repositories.json');
}

const RegistryFile = Type.Object({ version: Type.Literal(1), repositories: Type.Array(RegisteredRepository) });

/** Reads the registered repositories; a missing file is none, a damaged one is `internal` naming the file. */
export async function readRegistry(path: string): Promise<RegisteredRepository[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new MinionsError('internal', `${path} is not valid JSON; fix or delete it to start with no registered repositories.`, { cause: error });
  }
  if (!Value.Check(RegistryFile, parsed)) throw new MinionsError('internal', `${path} does not hold a list of repositories; fix or delete it.`);
  return parsed.repositories;
}

/** Writes the registered repositories atomically: a synced temporary file renamed over the old one. */
export async function writeRegistry(path: string, repositories: readonly RegisteredRepository[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(`${JSON.stringify({ version: 1, repositories }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
