import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { MinionsError, type Chunk, type SkippedFile } from '../../schemas/index.js';
import { chunkPath, type ChunkedFile } from '../../indexer/index.js';
import { column, formatCount, write } from './output.js';
import type { CommandIo } from './io.js';
import { chunksUsage } from './usage.js';

/** `minions chunks`: prints the chunks of a file or a folder, as a summary or (`--json`) as chunk objects. */
export async function chunksCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'max-tokens': { type: 'string' } },
  });
  const target = positionals[0];
  if (positionals.length !== 1 || target === undefined) throw new MinionsError('invalid-argument', `Usage: ${chunksUsage}`);
  const maxTokens = values['max-tokens'] === undefined ? undefined : Number(values['max-tokens']);
  if (maxTokens !== undefined && !(Number.isInteger(maxTokens) && maxTokens >= 16)) {
    throw new MinionsError('invalid-argument', '--max-tokens must be an integer of at least 16.');
  }
  const started = performance.now();
  const files: ChunkedFile[] = [];
  const skipped: SkippedFile[] = [];
  let chunkCount = 0;
  const stream = chunkPath(resolve(io.cwd, target), { signal: io.signal, ...(maxTokens === undefined ? {} : { maxTokens }) });
  if (values.json) {
    const chunks: Chunk[] = [];
    for await (const result of stream) {
      if (result.type === 'skipped') skipped.push(result.skipped);
      else chunks.push(...result.file.chunks);
    }
    await write(io.stdout, `${JSON.stringify({ chunks, skipped }, null, 2)}\n`);
    return 0;
  }
  for await (const result of stream) {
    if (result.type === 'skipped') {
      skipped.push(result.skipped);
      continue;
    }
    files.push(result.file);
    chunkCount += result.file.chunks.length;
    await write(io.stdout, describeFile(result.file));
  }
  for (const file of skipped) await write(io.stdout, `skipped ${file.path}: ${file.reason} (${file.detail})\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  await write(io.stdout, `\n${formatCount(files.length)} files, ${formatCount(chunkCount)} chunks, ${formatCount(skipped.length)} skipped, in ${seconds} s\n`);
  return 0;
}

function describeFile(file: ChunkedFile): string {
  const note = file.note ? ` (${file.method}: ${file.note})` : '';
  const lines = [`${file.path}  ${file.language}  ${file.chunks.length} chunks${note}`];
  for (const chunk of file.chunks) {
    const part = chunk.part ? ` [${chunk.part.index}/${chunk.part.count}]` : '';
    lines.push(`  ${column(`${chunk.startLine}-${chunk.endLine}`, 11)} ${column(chunk.kind, 9)} ${chunk.qualifiedName}${part}`);
  }
  return `${lines.join('\n')}\n`;
}
