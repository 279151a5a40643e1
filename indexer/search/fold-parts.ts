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
 * five does not take five places of the answer. Input is best first; so is output.
 */
export function foldParts<T extends Pick<PartOf, 'path' | 'qualified_name' | 'part_count'>>(ranked: readonly { hit: T; score: number }[]): FoldedSymbol<T>[] {
  const folded: FoldedSymbol<T>[] = [];
  const bySymbol = new Map<string, FoldedSymbol<T>>();
  for (const { hit, score } of ranked) {
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
  /** The content of its first part (signature and opening lines), or of its best part when the first is unknown. */
  content: string;
  /** How many parts the symbol has. */
  parts: number;
}

/**
 * The whole span of a folded symbol from its parts: the ranked ones plus `siblings`,
 * the other stored parts of the same symbol (fetched by the caller when the ranked
 * parts do not include both the first and the last).
 */
export function symbolSpan(folded: FoldedSymbol<PartOf>, siblings: readonly PartOf[] = []): SymbolSpan {
  const all = [...folded.parts, ...siblings];
  const first = all.reduce((best, part) => (part.part_index < best.part_index ? part : best), folded.hit);
  return {
    startLine: Math.min(...all.map((part) => part.start_line)),
    endLine: Math.max(...all.map((part) => part.end_line)),
    content: first.content,
    parts: folded.hit.part_count,
  };
}

/** Whether the ranked parts already hold the first and the last part (no fetch needed for the span). */
export function spanKnown(folded: FoldedSymbol<PartOf>): boolean {
  const indexes = new Set(folded.parts.map((part) => part.part_index));
  return indexes.has(1) && indexes.has(folded.hit.part_count);
}
