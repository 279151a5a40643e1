/**
 * The size budget of a chunk, in estimated model tokens. all-MiniLM-L6-v2 reads
 * 256 word pieces; the header and special tokens take a few, so a chunk's content
 * aims at 224 and a part never exceeds that unless one line alone does.
 */
export const DEFAULT_MAX_TOKENS = 224;

/**
 * Estimates the WordPiece token count of code without running the tokenizer:
 * each run of letters counts one piece per six letters (identifiers split into
 * sub-words), each digit run one, each punctuation character one. Close enough to
 * the BERT tokenizer on source code for sizing, and a plain loop over char codes
 * because it runs over every line of a repository.
 */
export function estimateTokens(text: string): number {
  let count = 0;
  let letters = 0;
  let digits = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const isLetter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
    const isDigit = code >= 48 && code <= 57;
    if (isLetter) {
      if (digits) digits = false;
      letters++;
      continue;
    }
    if (letters > 0) {
      count += Math.ceil(letters / 6);
      letters = 0;
    }
    if (isDigit) {
      if (!digits) count++;
      digits = true;
      continue;
    }
    digits = false;
    if (code > 32) count++;
  }
  return letters > 0 ? count + Math.ceil(letters / 6) : count;
}
