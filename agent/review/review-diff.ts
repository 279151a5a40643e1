// The change as the reviewer sees it: the staged diff against the base, split by file and
// fitted into the reviewer's prompt budget. A file that does not fit is cut with a note in
// the diff itself and in the review's notes; nothing is left out silently.
import { estimateTokens } from '../limits.js';
import type { RunState } from '../run-state.js';
import { changeSet, stagePaths } from '../workspace/change-set.js';
import { stagedDiff, stagedFiles, unstageAll, type StagedFile } from '../workspace/git.js';
import { requireGit } from '../nodes/context.js';

/** The change to review: its files and its unified diff against the base commit. */
export interface ReviewedChange {
  files: StagedFile[];
  diff: string;
}

/** One file's part of the diff. */
export interface FileDiff {
  path: string;
  text: string;
}

/** The diff fitted into a budget: its text, the files cut (or left out) and a note for each. */
export interface FittedDiff {
  text: string;
  tokens: number;
  cut: string[];
  notes: string[];
}

/**
 * Stages the change (as deliver will), reads its files and diff, and unstages it again, so
 * a fix round after the review starts from the worktree as it was.
 */
export async function changeToReview(state: RunState, signal: AbortSignal): Promise<ReviewedChange> {
  const location = requireGit(state.git);
  const change = await changeSet(location, state.linked, new Set([...state.touched, ...state.autofixed]), signal);
  await stagePaths(location, change.deliverable, signal);
  try {
    const [files, diff] = await Promise.all([stagedFiles(location, state.baseCommit, signal), stagedDiff(location, state.baseCommit, signal)]);
    return { files, diff };
  } finally {
    await unstageAll(location, signal);
  }
}

/** Splits a unified diff at its `diff --git` headers, naming each part by the staged file it belongs to. */
export function splitDiff(diff: string, files: readonly StagedFile[]): FileDiff[] {
  const parts = diff.split(/^(?=diff --git )/m).filter((part) => part.startsWith('diff --git '));
  return parts.map((text) => {
    const end = text.indexOf('\n');
    const header = end < 0 ? text : text.slice(0, end);
    // A rename is named by where the file went.
    const renamed = /^rename to (.+)$/m.exec(text)?.[1];
    const known = files.find((file) => header === `diff --git a/${file.path} b/${file.path}`);
    return { path: renamed ?? known?.path ?? header.replace(/^diff --git a\/(.*) b\/.*$/, '$1'), text };
  });
}

/**
 * Fits the files' diffs into `budget` tokens. Small files first get all they need; what is
 * left is shared evenly among the larger ones, each cut at a line with a marker saying how
 * much of it is shown. A budget too small for even a header leaves the file out, said so.
 */
export function fitDiff(parts: readonly FileDiff[], budget: number): FittedDiff {
  const sized = parts.map((part, index) => ({ ...part, index, tokens: estimateTokens(part.text) }));
  const total = sized.reduce((sum, part) => sum + part.tokens, 0);
  if (total <= budget) return { text: parts.map((part) => part.text).join(''), tokens: total, cut: [], notes: [] };
  const shown = new Map<number, string>();
  const cut: string[] = [];
  const notes: string[] = [];
  let left = budget;
  const bySize = [...sized].sort((a, b) => a.tokens - b.tokens);
  for (const [position, part] of bySize.entries()) {
    const share = Math.floor(left / (bySize.length - position));
    if (part.tokens <= share) {
      shown.set(part.index, part.text);
      left -= part.tokens;
      continue;
    }
    const piece = headOfDiff(part.text, share);
    cut.push(part.path);
    notes.push(piece.lines === 0 ? `the diff of ${part.path} was left out: it did not fit the reviewer's context` : `the diff of ${part.path} was cut to ${piece.lines} of ${piece.total} lines to fit the reviewer's context`);
    shown.set(part.index, piece.text);
    left -= estimateTokens(piece.text);
  }
  const text = sized.map((part) => shown.get(part.index) ?? '').join('');
  return { text, tokens: estimateTokens(text), cut, notes };
}

/** The first lines of a file's diff within `tokens`, and a marker line saying what is not shown. */
function headOfDiff(text: string, tokens: number): { text: string; lines: number; total: number } {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const path = /^diff --git a\/(.*?) b\//.exec(lines[0] ?? '')?.[1] ?? 'this file';
  const marker = (shown: number): string => `[minions: the diff of ${path} is cut here: ${shown} of ${lines.length} lines shown; the rest was not reviewed]\n`;
  let used = estimateTokens(marker(lines.length));
  let count = 0;
  for (const line of lines) {
    const cost = estimateTokens(`${line}\n`);
    if (used + cost > tokens) break;
    used += cost;
    count += 1;
  }
  if (count === 0) return { text: `[minions: the diff of ${path} (${lines.length} lines) was left out to fit the reviewer's context]\n`, lines: 0, total: lines.length };
  return { text: `${lines.slice(0, count).join('\n')}\n${marker(count)}`, lines: count, total: lines.length };
}
