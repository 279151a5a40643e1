import { parseArgs } from 'node:util';
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import { enclosingIndexedRepository } from '../../indexer/index.js';
import { MinionsError, type IndexSummary } from '../../schemas/index.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { openCodeIndex, prepareEmbedder } from '../runtime.js';
import type { CommandIo } from './io.js';
import { lockWait, watchedError } from './lock-wait.js';
import { buildQueryRequest } from './query-request.js';
import { formatCount, terminalSafe, write } from './output.js';
import { IndexProgress } from './progress.js';
import { printAnswer, queryOptions } from './query-output.js';
import { indexUsage, queryUsage } from './usage.js';

const common = { 'data-dir': { type: 'string' }, embedder: { type: 'string' }, threads: { type: 'string' }, privacy: privacyOptions.privacy, 'no-privacy': privacyOptions['no-privacy'] } as const;

/** `minions index <repo>`: builds or refreshes a repository's index, with a progress bar and a summary. */
export async function indexCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...common, rebuild: { type: 'boolean', default: false } } });
  if (positionals.length !== 1 || positionals[0] === undefined) throw new MinionsError('invalid-argument', `Usage: ${indexUsage}`);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const index = await openCodeIndex(config, undefined, 'minions index');
  await prepareEmbedder(config, io.signal);
  const progress = new IndexProgress(io.stderr);
  try {
    const repository = await index.repository(resolve(io.cwd, positionals[0]), io.signal);
    const wait = lockWait(io);
    const run = repository.index({ signal: wait.signal, rebuild: values.rebuild, lock: wait.lock });
    let summary: IndexSummary | undefined;
    try {
      for await (const event of run) {
        progress.update(event);
        if (event.type === 'index-end') summary = event.summary;
        // The last vectors are written: the model's memory goes back before the run's
        // optimisation and the graph analysis, the two other peaks of a large tree.
        if (event.type === 'vectors-progress' && event.done === event.total) await index.releaseEmbedder();
      }
    } catch (error) {
      const watcher = wait.watcher();
      if (watcher === undefined || io.signal.aborted) throw error;
      throw watchedError(repository.root, watcher, values.rebuild ? 'rebuild' : 'index');
    }
    progress.finish();
    if (summary) await write(io.stdout, terminalSafe(describeSummary(summary)));
    // The graph analysis the ranking reads, saved for the next process: the first query after
    // an index run then starts without reading the symbol table. Best effort: the index is done.
    await repository.analyseGraph(io.signal).catch(() => undefined);
    return 0;
  } finally {
    await index.close();
  }
}

function describeSummary(summary: IndexSummary): string {
  const rebuilt = summary.rebuilt ? ` (rebuilt: ${summary.rebuilt})` : '';
  return (
    `Indexed ${summary.root}${rebuilt} in ${summary.seconds.toFixed(1)} s: ${formatCount(summary.files)} files, ${formatCount(summary.chunks)} chunks.\n` +
    `This run: ${formatCount(summary.changed)} changed, ${formatCount(summary.deleted)} deleted, ${formatCount(summary.unchanged)} unchanged, ` +
    `${formatCount(summary.skipped)} skipped; ${formatCount(summary.embedded)} chunks embedded, ${formatCount(summary.cached)} from the cache.\n`
  );
}

/** `minions query <repo> <text>` in this process (no server answered): ranked symbols (or with `--group file` files), readable or (`--json`) as `{ results: [...], files?: [...] }`. */
export async function queryCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: queryOptions,
  });
  const [repo, ...words] = positionals;
  if (repo === undefined || words.length === 0) throw new MinionsError('invalid-argument', `Usage: ${queryUsage}`);
  const request = buildQueryRequest(repo, words, values, io.cwd);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const codeIndex = await openCodeIndex(config);
  try {
    const { repo: path, ...query } = request; // the handle is the repository
    // Run in a subfolder of an indexed repository (`minions query . "..."`), the query searches that repository.
    const root = (await enclosingIndexedRepository(codeIndex.dataDir, path)) ?? path;
    const repository = await codeIndex.repository(root, io.signal);
    if (repository.root !== (await realpath(path).catch(() => path))) await write(io.stderr, terminalSafe(`minions: note: ${path} is inside the indexed repository ${repository.root}; searching all of it (--path narrows to a folder).\n`));
    const answer = await repository.query(query, { signal: io.signal });
    await printAnswer(io, answer, { json: values.json, askedMode: request.mode, root: repository.root, via: 'process' });
    return 0;
  } finally {
    await codeIndex.close();
  }
}
