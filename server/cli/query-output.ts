// How `minions query` prints an answer, whichever process computed it (a running server or
// this one). Light on purpose: the server path loads this and nothing of the index.
import type { FileResult, QueryMode, QueryResult } from '../../schemas/index.js';
import type { CommandIo } from './io.js';
import { terminalSafe, write } from './output.js';

/** The options of `minions query`, for `parseArgs`: one table for both paths, so both accept and refuse the same flags. */
export const queryOptions = {
  'data-dir': { type: 'string' },
  embedder: { type: 'string' },
  threads: { type: 'string' },
  // The same flags as privacyOptions' first two (server/config.ts, not loaded on the fast path).
  privacy: { type: 'boolean' },
  'no-privacy': { type: 'boolean' },
  k: { type: 'string', default: '10' },
  mode: { type: 'string' },
  group: { type: 'string' },
  json: { type: 'boolean', default: false },
  language: { type: 'string', multiple: true },
  path: { type: 'string' },
} as const;

/** Which process answered: a running `minions serve`, or this one from the index on disk. */
export type QueryVia = 'server' | 'process';

/** A query's answer as either path has it. */
export interface PrintedAnswer {
  results: QueryResult[];
  files?: FileResult[] | undefined;
  mode?: QueryMode | undefined;
  /** How many chunks have vectors yet (an indexing run embeds after the text phase); absent from older servers. */
  embedded?: { chunks: number; total: number } | undefined;
}

/**
 * Prints an answer: `--json` as `{ results, files?, mode, embedded?, via }`, else readable (ranked
 * symbols or files); with a note on stderr when a query without `--mode` fell back to text,
 * or while vectors are still being filled in.
 */
export async function printAnswer(io: CommandIo, answer: PrintedAnswer, how: { json: boolean; askedMode: string | undefined; root: string; via: QueryVia }): Promise<void> {
  const { results, files, mode, embedded } = answer;
  if (how.askedMode === undefined && mode === 'text') await write(io.stderr, terminalSafe(modeNote(how.root)));
  else if (mode !== 'text' && embedded !== undefined && embedded.chunks < embedded.total) await write(io.stderr, embeddingNote(embedded));
  // Paths, symbols and snippets are the repository's: shown, never obeyed by the terminal.
  if (how.json) await write(io.stdout, `${JSON.stringify({ results, ...(files ? { files } : {}), mode, ...(embedded ? { embedded } : {}), via: how.via }, null, 2)}\n`);
  else if (files) await write(io.stdout, terminalSafe(describeFiles(files)));
  else await write(io.stdout, terminalSafe(describeResults(results)));
}

/** Said while an indexing run still embeds: vector ranking covers part of the index. */
function embeddingNote({ chunks, total }: { chunks: number; total: number }): string {
  return `Note: ${chunks.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} chunks embedded so far (indexing goes on); the rest are ranked by text only.\n`;
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

/** Why a query without `--mode` was answered by text search only. */
function modeNote(root: string): string {
  return `minions: note: the index of ${root} was built with another embedding model than the configured one, so text search (BM25) answered; rebuild it with \`minions index ${root} --rebuild\` for hybrid search.\n`;
}
