// `minions repos`: the repositories indexed under the data directory, from their records
// (no table is opened, no model loaded): path, files, chunks, size on disk, last indexed.
import { parseArgs } from 'node:util';
import { listIndexedRepositories } from '../../indexer/index.js';
import { MinionsError } from '../../schemas/index.js';
import { loadConfig } from '../config.js';
import type { CommandIo } from './io.js';
import { column, formatCount, terminalSafe, write } from './output.js';
import { reposUsage } from './usage.js';

/** `minions repos [--json]`: lists the indexed repositories. */
export async function reposCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' } } });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${reposUsage}`);
  const { dataDir } = loadConfig(io.env, { dataDir: values['data-dir'] }, io.cwd);
  const repositories = await listIndexedRepositories(dataDir);
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ dataDir, repositories }, null, 2)}\n`);
    return 0;
  }
  if (repositories.length === 0) {
    await write(io.stdout, `No repository is indexed under ${dataDir}. Index one with \`minions index <repo>\`.\n`);
    return 0;
  }
  const lines = [`${column('id', 17)} ${column('files', 8)} ${column('chunks', 9)} ${column('size', 9)} ${column('last indexed', 17)} path`];
  for (const repository of repositories) {
    const missing = repository.present ? '' : '  (folder missing: `minions forget` removes its index)';
    const when = repository.updatedAt.slice(0, 16).replace('T', ' ');
    lines.push(`${column(repository.repositoryId, 17)} ${column(formatCount(repository.files), 8)} ${column(formatCount(repository.chunks), 9)} ${column(formatBytes(repository.bytes), 9)} ${column(when, 17)} ${terminalSafe(repository.root)}${missing}`);
  }
  const total = repositories.reduce((sum, repository) => sum + repository.bytes, 0);
  await write(io.stdout, `${lines.join('\n')}\n${repositories.length} repositories, ${formatBytes(total)} of tables under ${dataDir}.\n`);
  return 0;
}

/** `1.4 MB`: sizes in powers of 1024, as `du -h` shows them. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
