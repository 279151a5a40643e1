/** The fields of a chunk that folding reads: where it is, which symbol, which part of it. */
export interface PartOf {
  path: string;
  qualified_name: string;
  part_index: number;
  part_count: number;
  start_line: number;
  end_line: number;
  content: string;
}

/** One symbol after folding: its best-scoring part, that part's score, and every part of it that was ranked. */
export interface FoldedSymbol<T> {
  hit: T;
  score: number;
  parts: T[];
}

/** The key of the symbol a chunk belongs to, or undefined for a chunk that is a whole symbol. */
export const symbolKey = (chunk: Pick<PartOf, 'path' | 'qualified_name' | 'part_count'>): string | undefined =>
  chunk.part_count > 1 ? `${chunk.path}\u0000${chunk.qualified_name}` : undefined;

/**
 * Folds the parts of one symbol (`part i/n` chunks of the same qualified name in the
 * same file) into one entry at the rank of its best part, so a long function split in
 * five does not take five places of the answer. Input is best first; so is output,
 * cut at `limit` symbols.
 */
export function foldParts<T extends Pick<PartOf, 'path' | 'qualified_name' | 'part_count'>>(ranked: readonly { hit: T; score: number }[], limit = Number.POSITIVE_INFINITY): FoldedSymbol<T>[] {
  const folded: FoldedSymbol<T>[] = [];
  const bySymbol = new Map<string, FoldedSymbol<T>>();
  for (const { hit, score } of ranked) {
    // Stop at the limit: reading a stored row's fields is not free, and later parts only widen spans the index holds anyway.
    if (folded.length >= limit) break;
    const key = symbolKey(hit);
    const existing = key === undefined ? undefined : bySymbol.get(key);
    if (existing) {
      existing.parts.push(hit);
      continue;
    }
    const entry = { hit, score, parts: [hit] };
    folded.push(entry);
    if (key !== undefined) bySymbol.set(key, entry);
  }
  return folded;
}

/** Where a folded symbol lies and what to show of it. */
export interface SymbolSpan {
  startLine: number;
  endLine: number;
  /** Its first part's content (signature and opening lines); else its signature above its best part. */
  content: string;
  /** How many parts the symbol has. */
  parts: number;
}

/**
 * The whole span of a folded symbol: from its ranked parts when they hold the first
 * and the last, else from `stored`, the span the index holds for it (every part).
 */
export function symbolSpan(folded: FoldedSymbol<PartOf>, stored?: { startLine: number; endLine: number; signature: string }): SymbolSpan {
  const first = folded.parts.find((part) => part.part_index === 1);
  const starts = folded.parts.map((part) => part.start_line);
  const ends = folded.parts.map((part) => part.end_line);
  return {
    startLine: Math.min(...starts, stored?.startLine ?? Number.POSITIVE_INFINITY),
    endLine: Math.max(...ends, stored?.endLine ?? 0),
    content: first ? first.content : stored ? `${stored.signature}\n${folded.hit.content}` : folded.hit.content,
    parts: folded.hit.part_count,
  };
}

/** Whether a folded symbol's ranked parts hold its first and last part (its span needs nothing stored), or it is whole. */
export function spanKnown(folded: FoldedSymbol<PartOf>): boolean {
  if (folded.hit.part_count <= 1) return true;
  const indexes = new Set(folded.parts.map((part) => part.part_index));
  return indexes.has(1) && indexes.has(folded.hit.part_count);
}
