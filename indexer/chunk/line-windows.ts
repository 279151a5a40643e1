import type { Chunk, LanguageId } from '../../schemas/index.js';
import { partsToChunks } from './assemble.js';
import { splitLines, type ContentLine } from './split.js';

/** Chunks a file without a syntax tree: consecutive line windows of at most the token budget. */
export function lineWindowChunks(path: string, language: LanguageId, lines: readonly string[], maxTokens: number): Chunk[] {
  const content: ContentLine[] = lines.map((text, row) => ({ text, startRow: row, endRow: row }));
  const name = path.slice(path.lastIndexOf('/') + 1);
  const file = { path, language, lines, maxTokens };
  return splitLines(content, maxTokens).flatMap((part) => {
    const first = (part[0]?.startRow ?? 0) + 1;
    const last = (part[part.length - 1]?.endRow ?? 0) + 1;
    const signature = `lines ${first}-${last}`;
    return partsToChunks(file, { kind: 'block', name, qualifiedName: path, signature, doc: undefined, header: `${path} › ${signature}` }, [part]);
  });
}
