import { estimateTokens } from './tokens.js';

/** One line of chunk content and the source rows (0-based) it stands for; an elided member stands for many. */
export interface ContentLine {
  text: string;
  startRow: number;
  endRow: number;
  /** Estimated tokens of the line plus its newline, computed once on first use. */
  tokens?: number;
}

/** Estimated tokens of a line plus its newline (cached on the line). */
export function lineCost(line: ContentLine): number {
  line.tokens ??= estimateTokens(line.text) + 1;
  return line.tokens;
}

/** Estimated tokens of lines joined by newlines. */
export function linesCost(lines: readonly ContentLine[]): number {
  let total = 0;
  for (const line of lines) total += lineCost(line);
  return total;
}

const isBlank = (line: ContentLine): boolean => line.text.trim() === '';
const indentOf = (text: string): number => text.length - text.trimStart().length;

/** Drops blank lines at both ends. */
export function trimBlank(lines: readonly ContentLine[]): ContentLine[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start] as ContentLine)) start++;
  while (end > start && isBlank(lines[end - 1] as ContentLine)) end--;
  return lines.slice(start, end);
}

/**
 * Cuts lines into parts of at most `budget` estimated tokens. A cut prefers, within
 * the second half of a full part, the line with the least indentation, after a blank
 * line if there is one, so parts tend to end between statements rather than inside them.
 * A single line larger than the budget becomes a part of its own.
 */
export function splitLines(lines: readonly ContentLine[], budget: number): ContentLine[][] {
  if (linesCost(lines) <= budget) {
    const whole = trimBlank(lines);
    return whole.length > 0 ? [whole] : [];
  }
  const costs = lines.map(lineCost);
  const parts: ContentLine[][] = [];
  let start = 0;
  while (start < lines.length) {
    let end = start;
    let used = 0;
    while (end < lines.length && (end === start || used + (costs[end] ?? 0) <= budget)) used += costs[end++] ?? 0;
    if (end < lines.length) end = bestCut(lines, start, end);
    const part = trimBlank(lines.slice(start, end));
    if (part.length > 0) parts.push(part);
    start = end;
  }
  return parts;
}

/** The index to cut before, in (start, end]: the shallowest line of the second half, preferring one after a blank line. */
function bestCut(lines: readonly ContentLine[], start: number, end: number): number {
  let best = end;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let index = Math.max(start + 1, Math.floor((start + end) / 2)); index <= end; index++) {
    const line = lines[index];
    if (!line || isBlank(line)) continue;
    const previous = lines[index - 1];
    const score = indentOf(line.text) * 2 - (previous && isBlank(previous) ? 3 : 0);
    if (score <= bestScore) {
      bestScore = score;
      best = index;
    }
  }
  return best;
}
