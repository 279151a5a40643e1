// How edit_file finds the text to replace. Local models copy text imperfectly: they
// send LF text for CRLF files, keep read_file's "12| " prefixes, or re-indent a block.
// Each of those still designates exactly one place, so the edit is applied there; only a
// real ambiguity or a real miss is an error, and a miss shows the closest lines.

/** An edit that can be applied: the whole new text and the 1-based line where it starts. */
export interface PlannedEdit {
  ok: true;
  text: string;
  line: number;
  /** How the search text was matched, for the tool's reply. */
  how: 'exact' | 'whitespace';
}

/** An edit that cannot be applied, with a message the model can act on. */
export interface RefusedEdit {
  ok: false;
  error: string;
}

// read_file prints `${number padded}| ${line}`; a model may drop the space after the bar.
const lineNumberPrefix = /^ *\d+\| ?/;

/** Strips read_file's line-number prefixes, but only when every line carries one (otherwise they may be content). */
export function stripLineNumbers(text: string): string {
  const lines = text.split('\n');
  const numbered = lines.filter((line) => line !== '');
  if (numbered.length === 0 || !numbered.every((line) => lineNumberPrefix.test(line))) return text;
  return lines.map((line) => line.replace(lineNumberPrefix, '')).join('\n');
}

/** True when every line break of `text` is CRLF (a mixed file is matched byte for byte). */
function isCrlf(text: string): boolean {
  const breaks = text.split('\n').length - 1;
  return breaks > 0 && text.split('\r\n').length - 1 === breaks;
}

/** The lines on which each occurrence of `needle` starts. */
function occurrenceLines(text: string, needle: string): number[] {
  const lines: number[] = [];
  for (let index = text.indexOf(needle); index !== -1; index = text.indexOf(needle, index + 1)) lines.push(text.slice(0, index).split('\n').length);
  return lines;
}

/** The lines of a multi-line text without its leading and trailing blank lines. */
function contentLines(text: string): string[] {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
  while (lines.length > 0 && lines.at(-1)?.trim() === '') lines.pop();
  return lines;
}

const indentOf = (line: string): string => /^[ \t]*/.exec(line)?.[0] ?? '';

/** The 0-based starts of the windows of `fileLines` equal to `searchLines` once each line is trimmed. */
function looseMatches(fileLines: string[], searchLines: string[]): number[] {
  const wanted = searchLines.map((line) => line.trim());
  const starts: number[] = [];
  for (let start = 0; start + wanted.length <= fileLines.length; start += 1) {
    if (wanted.every((line, offset) => fileLines[start + offset]?.trim() === line)) starts.push(start);
  }
  return starts;
}

/**
 * Re-indents replacement lines to the file: each indentation of the search text maps to
 * the file's indentation on the matched line; a replacement line takes the mapping of the
 * longest search indentation its own starts with (deeper lines keep their extra depth).
 */
function reindent(lines: string[], searchLines: string[], fileLines: string[]): string[] {
  const mapping = new Map<string, string>();
  searchLines.forEach((line, offset) => {
    const from = indentOf(line);
    if (line.trim() !== '' && !mapping.has(from)) mapping.set(from, indentOf(fileLines[offset] ?? ''));
  });
  const keys = [...mapping.keys()].sort((left, right) => right.length - left.length);
  return lines.map((line) => {
    const key = line.trim() === '' ? undefined : keys.find((candidate) => line.startsWith(candidate));
    return key === undefined ? line : (mapping.get(key) ?? '') + line.slice(key.length);
  });
}

/** Applies a search text that matches exactly one place when each line's surrounding whitespace is ignored. */
function looseEdit(text: string, search: string, replace: string, path: string): PlannedEdit | RefusedEdit | undefined {
  const searchLines = contentLines(search);
  if (searchLines.length === 0) return undefined;
  const fileLines = text.split('\n');
  const starts = looseMatches(fileLines, searchLines);
  if (starts.length === 0) return undefined;
  if (starts.length > 1) return { ok: false, error: `Ignoring indentation, the search text matches ${starts.length} places in ${path} (at lines ${starts.slice(0, 8).map((start) => start + 1).join(', ')}); include more surrounding lines so it matches exactly once.` };
  const start = starts[0] ?? 0;
  const matched = fileLines.slice(start, start + searchLines.length);
  const replacement = replace === '' ? [] : reindent(contentLines(replace), searchLines, matched);
  const updated = [...fileLines.slice(0, start), ...replacement, ...fileLines.slice(start + searchLines.length)];
  return { ok: true, text: updated.join('\n'), line: start + 1, how: 'whitespace' };
}

/** Dice similarity of two lines' character pairs, 0..1: cheap and tolerant of small typos. */
function similarity(left: string, right: string): number {
  if (left === right) return 1;
  if (left.length < 2 || right.length < 2) return 0;
  const pairs = new Map<string, number>();
  for (let index = 0; index < left.length - 1; index += 1) pairs.set(left.slice(index, index + 2), (pairs.get(left.slice(index, index + 2)) ?? 0) + 1);
  let shared = 0;
  for (let index = 0; index < right.length - 1; index += 1) {
    const pair = right.slice(index, index + 2);
    const count = pairs.get(pair) ?? 0;
    if (count > 0) { shared += 1; pairs.set(pair, count - 1); }
  }
  return (2 * shared) / (left.length + right.length - 2);
}

/** The lines of the file around the line most similar to the search text's first line, numbered like read_file. */
export function closestLines(text: string, search: string): string | undefined {
  const first = contentLines(search)[0]?.trim();
  if (first === undefined) return undefined;
  const fileLines = text.split('\n').slice(0, 20_000);
  let best = -1;
  let bestScore = 0.5;
  fileLines.forEach((line, index) => {
    const score = similarity(line.trim(), first);
    if (score > bestScore) { best = index; bestScore = score; }
  });
  if (best === -1) return undefined;
  const from = Math.max(0, best - 2);
  const to = Math.min(fileLines.length, best + Math.max(3, contentLines(search).length) + 2);
  const width = String(to).length;
  return fileLines.slice(from, to).map((line, index) => `${String(from + index + 1).padStart(width)}| ${line}`).join('\n');
}

/** A hint for a search text that is not in the file: whitespace, where its first line is, and the closest lines. */
function missingHint(text: string, search: string): string {
  const squash = (value: string): string => value.replace(/\s+/g, ' ').trim();
  const closest = closestLines(text, search);
  const shown = closest === undefined ? '' : `\nThe closest lines in the file are:\n${closest}`;
  if (squash(search) !== '' && squash(text).includes(squash(search))) return ` It does match if whitespace is ignored: copy the exact indentation and line breaks from read_file (without the line-number prefix).${shown}`;
  const firstLine = search.split('\n').find((line) => line.trim() !== '')?.trim();
  const near = firstLine === undefined ? [] : occurrenceLines(text, firstLine);
  if (near.length > 0) return ` Its first line occurs at line ${near.slice(0, 5).join(', ')}; the rest differs. Read the file again and copy the text exactly.${shown}`;
  return ` Read the file again and copy the text exactly (without line-number prefixes).${shown}`;
}

/** Matches on LF text: exactly first, then ignoring each line's surrounding whitespace. */
function planOnLf(text: string, search: string, replace: string, path: string): PlannedEdit | RefusedEdit {
  const found = occurrenceLines(text, search);
  if (found.length > 1) return { ok: false, error: `The search text occurs ${found.length} times in ${path} (at lines ${found.slice(0, 8).join(', ')}); include more surrounding lines so it matches exactly once.` };
  if (found.length === 1) {
    const index = text.indexOf(search);
    return { ok: true, text: text.slice(0, index) + replace + text.slice(index + search.length), line: found[0] ?? 1, how: 'exact' };
  }
  return looseEdit(text, search, replace, path) ?? { ok: false, error: `The search text was not found in ${path}.${missingHint(text, search)}` };
}

/**
 * Plans edit_file's replacement of `search` by `replace` in `text` (the file's content;
 * `path` only words messages). Line-number prefixes are stripped; a CRLF file is matched
 * as LF and written back with CRLF; an exact unique match wins, else a unique match
 * ignoring each line's surrounding whitespace, with the replacement re-indented.
 */
export function planEdit(text: string, rawSearch: string, rawReplace: string, path: string): PlannedEdit | RefusedEdit {
  const search = stripLineNumbers(rawSearch);
  const replace = stripLineNumbers(rawReplace);
  if (search === '') return { ok: false, error: 'The search text is empty; give the exact text to replace.' };
  const exact = occurrenceLines(text, search);
  // A CRLF file is matched as LF only when the byte-exact search (which may itself carry CRLF) finds nothing.
  if (exact.length === 0 && isCrlf(text)) {
    const lf = (value: string): string => value.replace(/\r\n/g, '\n');
    const planned = planOnLf(lf(text), lf(search), lf(replace), path);
    return planned.ok ? { ...planned, text: planned.text.replace(/\n/g, '\r\n') } : planned;
  }
  return planOnLf(text, search, replace, path);
}
