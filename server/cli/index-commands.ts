import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { MinionsError, type FileResult, type IndexSummary, type QueryResult } from '../../schemas/index.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { openCodeIndex } from '../runtime.js';
import type { CommandIo } from './io.js';
import { lockWait, watchedError } from './lock-wait.js';
import { buildQueryRequest } from './query-request.js';
import { formatCount, terminalSafe, write } from './output.js';
import { IndexProgress } from './progress.js';

const common = { 'data-dir': { type: 'string' }, embedder: { type: 'string' }, threads: { type: 'string' }, privacy: privacyOptions.privacy, 'no-privacy': privacyOptions['no-privacy'] } as const;

export const indexUsage = 'minions index <repo> [--rebuild] [--data-dir DIR] [--embedder default|ollama:<model>|hf:<id>] [--threads N] [--privacy|--no-privacy]';
export const queryUsage = 'minions query <repo> <text> [--k N] [--mode hybrid|vector|text] [--group chunk|file] [--json] [--language L] [--path PREFIX] [--data-dir DIR] [--privacy|--no-privacy]';

/** `minions index <repo>`: builds or refreshes a repository's index, with a progress bar and a summary. */
export async function indexCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...common, rebuild: { type: 'boolean', default: false } } });
  if (positionals.length !== 1 || positionals[0] === undefined) throw new MinionsError('invalid-argument', `Usage: ${indexUsage}`);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const index = await openCodeIndex(config, undefined, 'minions index');
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
      }
    } catch (error) {
      const watcher = wait.watcher();
      if (watcher === undefined || io.signal.aborted) throw error;
      throw watchedError(repository.root, watcher, values.rebuild ? 'rebuild' : 'index');
    }
    progress.finish();
    if (summary) await write(io.stdout, terminalSafe(describeSummary(summary)));
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

/** `minions query <repo> <text>`: ranked symbols (or with `--group file` files), readable or (`--json`) as `{ results: [...], files?: [...] }`. */
export async function queryCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...common, k: { type: 'string', default: '10' }, mode: { type: 'string' }, group: { type: 'string' }, json: { type: 'boolean', default: false }, language: { type: 'string', multiple: true }, path: { type: 'string' } },
  });
  const [repo, ...words] = positionals;
  if (repo === undefined || words.length === 0) throw new MinionsError('invalid-argument', `Usage: ${queryUsage}`);
  const request = buildQueryRequest(repo, words, values, io.cwd);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const codeIndex = await openCodeIndex(config);
  try {
    const { repo: root, ...query } = request; // the handle is the repository
    const repository = await codeIndex.repository(root, io.signal);
    const { results, files, mode: answered, embedded } = await repository.query(query, { signal: io.signal });
    if (request.mode === undefined && answered === 'text') await write(io.stderr, terminalSafe(modeNote(repository.root)));
    else if (answered !== 'text' && embedded.chunks < embedded.total) await write(io.stderr, embeddingNote(embedded));
    // Paths, symbols and snippets are the repository's: shown, never obeyed by the terminal.
    if (values.json) await write(io.stdout, `${JSON.stringify({ results, ...(files ? { files } : {}), mode: answered, embedded }, null, 2)}\n`);
    else if (files) await write(io.stdout, terminalSafe(describeFiles(files)));
    else await write(io.stdout, terminalSafe(describeResults(results)));
    return 0;
  } finally {
    await codeIndex.close();
  }
}

/** Ranked symbols, each with the first lines of its snippet. */
function describeResults(results: readonly QueryResult[]): string {
  if (results.length === 0) return 'No results.\n';
  return results.map((result, index) => {
    const snippet = result.snippet.split('\n').slice(0, 3).map((line) => `      ${line}`).join('\n');
    const parts = result.parts ? `, ${result.parts} parts` : '';
    return `${index + 1}. ${result.path}:${result.startLine}-${result.endLine}  ${result.kind} ${result.symbol}  (${result.score.toFixed(4)}${parts})\n${snippet}\n`;
  }).join('');
}

/** Ranked files, each with its best symbols. */
function describeFiles(files: readonly FileResult[]): string {
  if (files.length === 0) return 'No results.\n';
  return files.map((file, index) => {
    const symbols = file.symbols.map((symbol) => `      ${symbol.startLine}-${symbol.endLine}  ${symbol.kind} ${symbol.symbol}  (${symbol.score.toFixed(4)})`).join('\n');
    return `${index + 1}. ${file.path}  (${file.score.toFixed(4)}, ${file.matches} matching)\n${symbols}\n`;
  }).join('');
}

/** Said while an indexing run still embeds: vector ranking covers part of the index. */
const embeddingNote = ({ chunks, total }: { chunks: number; total: number }): string =>
  `Note: ${formatCount(chunks)} of ${formatCount(total)} chunks embedded so far (indexing goes on); the rest are ranked by text only.\n`;

/** Why a query without `--mode` was answered by text search only. */
function modeNote(root: string): string {
  return `minions: note: the index of ${root} was built with another embedding model than the configured one, so text search (BM25) answered; rebuild it with \`minions index ${root} --rebuild\` for hybrid search.\n`;
}
