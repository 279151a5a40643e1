// The "What" of a delivery: the model's finish summaries of every round, then what the
// diff itself shows (files with their line counts and the symbols whose code changed).
// A stop reason never appears here: it belongs in the outcome, not in the description.
import type { WorkSummary } from '../run-state.js';
import type { StagedFile } from '../workspace/git.js';

/** At most this many changed symbols are named per file. */
const symbolsPerFile = 4;

/** The summaries of all rounds: implement's as it is, then each later round's, labelled. */
export function summaryText(summaries: readonly WorkSummary[]): string {
  return summaries.map((summary) => (summary.node === 'implement' ? summary.text : `${labelOf(summary)}: ${summary.text}`)).join('\n\n');
}

function labelOf(summary: WorkSummary): string {
  return summary.node === 'fix' ? `Fix round ${summary.round}` : summary.node.charAt(0).toUpperCase() + summary.node.slice(1);
}

/** A line that opens a definition in most languages minions indexes (a cheap stand-in for the chunker here). */
const definition = /^\s*(?:(?:export|default|pub(?:\([\w:]+\))?|public|private|protected|internal|static|async|abstract|final|override|unsafe|extern|inline|virtual)\s+)*(?:function\*?|class|def|func|fn|interface|struct|enum|trait|impl|module|type|object)\s+[\w$<]/;

/**
 * The symbols each file's changed lines fall in, in order and without repeats: for each
 * changed line, the nearest definition above it in the hunk, else the function context
 * git prints after `@@ ... @@` (its default rule: the nearest earlier line that starts
 * with a letter, `_` or `$`).
 */
export function changedSymbols(diff: string): Map<string, string[]> {
  const symbols = new Map<string, string[]>();
  let file: string | undefined;
  let enclosing = '';
  const add = (name: string): void => {
    const symbol = name.trim().replace(/\s*[{(:]\s*$/, '').slice(0, 80);
    if (file === undefined || symbol === '') return;
    const list = symbols.get(file) ?? [];
    if (!list.includes(symbol)) list.push(symbol);
    symbols.set(file, list);
  };
  for (const line of diff.split('\n')) {
    const header = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
    if (header) {
      file = header[2];
      enclosing = '';
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@ ?(.*)$/.exec(line);
    if (hunk) {
      enclosing = hunk[1] ?? '';
      continue;
    }
    if (/^(?:\+\+\+|---) /.test(line)) continue;
    const marker = line.charAt(0);
    const text = line.slice(1);
    if ((marker === ' ' || marker === '+' || marker === '-') && definition.test(text)) enclosing = text;
    if (marker === '+' || marker === '-') add(enclosing);
  }
  return symbols;
}

/** One line per file: path, status, line counts, and the symbols its hunks touch. */
export function fileLines(files: readonly StagedFile[], diff: string): string {
  const symbols = changedSymbols(diff);
  return files
    .map((file) => {
      const counts = file.added === null ? 'binary' : `+${file.added} -${file.removed ?? 0}`;
      const touched = symbols.get(file.path) ?? [];
      const shown = touched.slice(0, symbolsPerFile).map((symbol) => `\`${symbol.replaceAll('`', "'")}\``);
      const more = touched.length > symbolsPerFile ? `, and ${touched.length - symbolsPerFile} more` : '';
      return `- \`${file.path}\` (${statusWord(file.status)}, ${counts})${shown.length > 0 ? `: in ${shown.join(', ')}${more}` : ''}`;
    })
    .join('\n');
}

function statusWord(status: string): string {
  const words: Record<string, string> = { A: 'added', D: 'deleted', M: 'modified', T: 'type changed' };
  return words[status.charAt(0)] ?? status;
}

/** The whole "What": the summaries (or a plain statement that there are none) and the files. */
export function whatSection(summaries: readonly WorkSummary[], files: readonly StagedFile[], diff: string): string {
  const summary = summaryText(summaries);
  const intro = summary !== '' ? summary : 'The model did not summarize its work; the change, from the diff:';
  return `${intro}\n\n${fileLines(files, diff)}`;
}
