/** Best symbols listed under each file of a grouped answer. */
export const FILE_SYMBOLS = 3;

/** Matching chunks after the best that add to a file's score (its "best chunks"). */
const BONUS_CHUNKS = 2;

/** One ranked file: its score, how many of its items matched, and its best items (at most {@link FILE_SYMBOLS}). */
export interface FileGroup<T> {
  path: string;
  score: number;
  matches: number;
  best: T[];
}

/**
 * Ranks files from ranked items (best first): a file scores its best item plus
 * `bonus` times the next best ones (at most two), so a file with several matching
 * symbols edges past a file with one equal match without a pile of weak matches
 * outweighing one strong one. Scores are first rescaled to 0..1 over the items
 * (best 1, worst 0): fused scores are nearly flat (reciprocal ranks), BM25 scores
 * unbounded, and the bonus must mean the same in every mode.
 */
export function groupFiles<T extends { path: string; score: number }>(ranked: readonly T[], k: number, bonus: number): FileGroup<T>[] {
  const byPath = new Map<string, T[]>();
  for (const item of ranked) {
    const list = byPath.get(item.path);
    if (list) list.push(item);
    else byPath.set(item.path, [item]);
  }
  const scores = ranked.map((item) => item.score);
  const low = Math.min(...scores);
  const range = Math.max(...scores) - low;
  const scaled = (item: T | undefined): number => (item === undefined ? 0 : range > 0 ? (item.score - low) / range : 1);
  const files = [...byPath.entries()].map(([path, items]) => {
    const extra = items.slice(1, 1 + BONUS_CHUNKS).reduce((sum, item) => sum + scaled(item), 0);
    return { path, score: scaled(items[0]) + bonus * extra, matches: items.length, best: items.slice(0, FILE_SYMBOLS) };
  });
  // Stable: equal scores keep the order of their best items.
  files.sort((left, right) => right.score - left.score);
  return files.slice(0, k);
}
