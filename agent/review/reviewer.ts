// The reviewer: one structured turn of a second model over the task, the rule files in
// scope and the diff, its reply constrained by Ollama's `format` (the JSON schema of
// `ReviewReply`). A reply that still cannot be read (cut at num_predict, prose from a
// server that ignores `format`) is shown to the model once with what was wrong.
import type { Message } from 'ollama';
import { ReviewReply, maxReviewFindings, type ReviewFinding } from '../../schemas/index.js';
import type { Emit } from '../events.js';
import { estimateTokens, truncateMiddle } from '../limits.js';
import { promptLimit } from '../model/context-budget.js';
import type { ChatFormat, ChatModel, ChatTurn } from '../model/ollama-model.js';
import type { RuleFile } from '../context/rules.js';
import type { StagedFile } from '../workspace/git.js';
import { fitDiff, type FileDiff, type FittedDiff } from './review-diff.js';
import { readReviewReply } from './review-reply.js';

/** Turns a reviewer gets: the first, and one more after an answer that could not be read. */
export const reviewAttempts = 2;

/** The JSON schema sent as `format`: `ReviewReply` as plain JSON (TypeBox's symbols dropped). */
export const reviewFormat: ChatFormat = JSON.parse(JSON.stringify(ReviewReply)) as Record<string, unknown>;

const systemPrompt = `You review a change that a coding agent made to a repository for a task, before it becomes a pull request.
Report real problems in the diff, not praise. Answer with JSON only, matching this schema:
${JSON.stringify(reviewFormat)}
- severity: critical (must not be merged: breaks the program, loses data, a security hole), major (a real problem to fix before merging), minor (worth improving), info (a remark).
- category: security; tests-weakened (tests deleted, skipped or loosened); unrelated-change (work the task did not ask for); correctness; rules (a rule file of the repository is broken); style; other.
- file: a path exactly as it appears in the diff (null when the finding is about no file); line: its line number in the new file (null when unknown).
- message: one or two sentences. At most ${maxReviewFindings} findings. No findings is a valid answer: {"findings": [], "summary": "..."}.
- summary: one or two sentences on the change as a whole.`;

/** What the reviewer is asked about. */
export interface ReviewInput {
  task: string;
  rules: readonly RuleFile[];
  /** The checks' verdict in a line, and what the harness already found. */
  checks: string;
  harness: readonly ReviewFinding[];
  parts: readonly FileDiff[];
  /** The changed files with git's status letter and line counts, for the list above the diff. */
  files?: readonly StagedFile[];
}

const statusWords: Readonly<Record<string, string>> = { A: 'added', D: 'deleted', M: 'modified', T: 'type changed' };

/** `- src/a.js (modified, +3 -1)` per file; the diff's own paths when the staged list is not given. */
function fileList(input: ReviewInput): string {
  if (input.files === undefined) return input.parts.map((part) => `- ${part.path}`).join('\n');
  return input.files.map((file) => `- ${file.path} (${statusWords[file.status.charAt(0)] ?? file.status}, ${file.added === null ? 'binary' : `+${file.added} -${file.removed ?? 0}`})`).join('\n');
}

/** What the reviewer answered: its findings read, its summary, notes, and the diff as it saw it. */
export type ReviewAnswer = { ok: true; findings: ReviewFinding[]; summary: string; notes: string[]; diff: FittedDiff } | { ok: false; error: string; notes: string[]; diff: FittedDiff };

/** Options of `askReviewer`: the model, how to report, and where tokens go. */
export interface ReviewerCall {
  model: ChatModel;
  emit: Emit;
  round: number;
  signal: AbortSignal;
  spend: (input: number, output: number) => void;
}

/** The user message: task, rules, checks, the harness's findings, then the diff fitted into what is left of the budget. */
export function reviewPrompt(input: ReviewInput, numCtx: number, numPredict: number): { text: string; diff: FittedDiff } {
  const limit = promptLimit(numCtx, numPredict) - estimateTokens(systemPrompt);
  const rules = input.rules.map((rule) => `## ${rule.path}\n${rule.content.trim()}`).join('\n\n');
  const harness = input.harness.map((finding) => `- ${finding.severity} ${finding.category} ${finding.file ?? ''}: ${finding.message}`).join('\n');
  const head = [
    `# Task\n${input.task.trim()}`,
    rules === '' ? '' : `# Rule files of the repository\n${truncateMiddle(rules, Math.max(400, Math.floor(limit / 4) * 3))}`,
    `# Checks\n${input.checks}`,
    harness === '' ? '' : `# Already found by the harness (do not repeat these)\n${harness}`,
    `# Files changed\n${fileList(input)}`,
  ].filter((section) => section !== '').join('\n\n');
  const diff = fitDiff(input.parts, Math.max(200, limit - estimateTokens(head) - 50));
  return { text: `${head}\n\n# Diff\n\`\`\`diff\n${diff.text}\`\`\``, diff };
}

/** Asks the reviewer, reading its reply; a reply that cannot be read gets one more turn. Model failures throw. */
export async function askReviewer(input: ReviewInput, call: ReviewerCall): Promise<ReviewAnswer> {
  const { model } = call;
  const prompt = reviewPrompt(input, model.info.numCtx, model.info.numPredict);
  call.emit('review-start', { model: model.info.name, round: call.round, files: input.parts.length, diffTokens: prompt.diff.tokens, cut: prompt.diff.cut });
  const messages: Message[] = [{ role: 'system', content: systemPrompt }, { role: 'user', content: prompt.text }];
  const notes = [...prompt.diff.notes];
  let error = '';
  for (let attempt = 1; attempt <= reviewAttempts; attempt += 1) {
    const turn = await reviewTurn(messages, call, attempt);
    const cut = turn.doneReason === 'length';
    const read = readReviewReply(turn.content, cut);
    if (read.ok) return { ok: true, findings: read.findings, summary: read.summary, notes: [...notes, ...read.notes], diff: prompt.diff };
    error = read.error;
    notes.push(`answer ${attempt} could not be read: ${read.error}`);
    messages.push({ role: 'assistant', content: truncateMiddle(turn.content, 2000) }, { role: 'user', content: retryRequest(read.error, cut) });
  }
  return { ok: false, error: `the reviewer's answer could not be read after ${reviewAttempts} attempts: ${error}`, notes, diff: prompt.diff };
}

/** The request after an unreadable answer: what was wrong, and (when it was cut) to be briefer. */
function retryRequest(error: string, cut: boolean): string {
  const brief = cut ? ` Your answer was too long: report at most ${Math.floor(maxReviewFindings / 2)} findings, each message one short sentence.` : '';
  return `That answer could not be read: ${error}. Answer again with only the JSON object, no prose and no code fence.${brief}`;
}

/** One reviewer turn with `format` set, reported as a `model-call` of the review node. */
async function reviewTurn(messages: readonly Message[], call: ReviewerCall, attempt: number): Promise<ChatTurn> {
  const { model } = call;
  const turn = await model.chat(messages, [], call.signal, {
    onRetry: (retry) => call.emit('model-retry', { node: 'review', model: model.info.name, attempt: retry.attempt, attempts: retry.attempts, kind: retry.fault.kind, reason: retry.fault.detail, delayMs: retry.delayMs }),
    onSpent: (spent) => call.spend(spent.input, spent.output),
  }, reviewFormat);
  call.spend(turn.inputTokens, turn.outputTokens);
  call.emit('model-call', {
    node: 'review', step: attempt, model: model.info.name, digest: model.info.digest, inputTokens: turn.inputTokens, outputTokens: turn.outputTokens,
    latencyMs: turn.latencyMs, loadMs: turn.loadMs, toolCalls: [], toolCallSource: 'none', doneReason: turn.doneReason, content: truncateMiddle(turn.content, 400),
  });
  return turn;
}
