// Text helpers of the first prompt: numbered code in fences, and fitting a text into a
// token count the way the agent counts (`estimateTokens`).
import { estimateTokens, truncateMiddle } from '../limits.js';

/** Lines prefixed with their numbers (`12| text`), as read_file shows them, so the model can cite and edit them. */
export function numbered(text: string, first: number): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const width = String(first + lines.length - 1).length;
  return lines.map((line, index) => `${String(first + index).padStart(width)}| ${line}`).join('\n');
}

/** A fenced block. */
export function fence(text: string): string {
  return `\`\`\`\n${text}\n\`\`\``;
}

/** The number of lines of a file's text (a final newline ends the last line, it does not start one). */
export function lineCount(text: string): number {
  return Math.max(1, text.replace(/\n$/, '').split('\n').length);
}

/**
 * The text cut in the middle until it takes at most `tokens`; undefined when not even
 * a stub fits. The ratio of characters to tokens varies with the text, so the cut is
 * re-measured until it fits.
 */
export function fitText(text: string, tokens: number): string | undefined {
  if (estimateTokens(text) <= tokens) return text;
  let limit = Math.floor((text.length * tokens) / Math.max(1, estimateTokens(text)));
  while (limit >= 80) {
    const cut = truncateMiddle(text, limit);
    if (estimateTokens(cut) <= tokens) return cut;
    limit = Math.floor(limit * 0.9);
  }
  return undefined;
}
