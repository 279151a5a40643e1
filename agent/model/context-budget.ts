// The context budget of the tool-calling loop. Ollama silently drops the oldest
// messages of a prompt that exceeds num_ctx (the task first), so the loop counts what
// it sends honestly (message text, tool-call arguments, tool definitions, template
// overhead), calibrates the count per model against the `prompt_eval_count` Ollama
// reports, and fits the history into `num_ctx` minus the reply budget before every
// request: old tool outputs give way to a one-line trace first, then older whole turns,
// then the latest tool result is shortened in the middle. The system prompt and the
// task are never dropped.
import type { Message, Tool } from 'ollama';
import { estimateTokens, truncateMiddle, type AgentLimits } from '../limits.js';

/** Tokens the chat template adds around each message (role markers, separators). */
const messageOverheadTokens = 6;
/** Tokens of the template's tools preamble when tools are offered natively. */
const toolsOverheadTokens = 32;
/** The share of num_ctx kept free besides the reply, for what no estimate sees. */
const safetyShare = 0.05;
/** The largest calibration factor believed: beyond it a report is more likely wrong than the estimate. */
const maxCalibration = 4;

/**
 * Counts the tokens of a prompt for one model: a conservative estimate per text
 * (`estimateTokens`), times a factor learned from the model's own reports. The factor
 * only ever rises, because a report can be low (a cached or truncated prompt) but an
 * estimate that was too low once will be again.
 */
export class TokenCounter {
  private factor = 1;

  /** How many times the raw estimate the model's tokenizer has been seen to need (1 until calibrated). */
  get calibration(): number {
    return this.factor;
  }

  /** Characters a token at the calibrated ratio for code: what scales output caps. */
  get codeCharactersPerToken(): number {
    return 2.6 / this.factor;
  }

  /** The raw (uncalibrated) estimate of one message: text, tool calls as the template prints them, overhead. */
  messageTokens(message: Message): number {
    const calls = (message.tool_calls ?? []).map((call) => JSON.stringify({ name: call.function.name, arguments: call.function.arguments })).join('\n');
    return messageOverheadTokens + estimateTokens(message.content) + (calls === '' ? 0 : estimateTokens(calls));
  }

  /** The raw estimate of the tool definitions sent in `tools` (their JSON schemas). */
  toolsTokens(tools: readonly Tool[]): number {
    return tools.length === 0 ? 0 : toolsOverheadTokens + estimateTokens(tools.map((tool) => JSON.stringify(tool)).join('\n'));
  }

  /** The calibrated count of a raw estimate. */
  calibrated(raw: number): number {
    return Math.ceil(raw * this.factor);
  }

  /**
   * Learns from a turn: `raw` is the raw estimate of what was sent, `reported` Ollama's
   * `prompt_eval_count`. A report at the context limit means Ollama cut the prompt, so the
   * real size was at least that: the factor rises to fit it.
   */
  observe(raw: number, reported: number, numCtx: number): void {
    if (raw <= 0 || reported <= 0) return;
    const ratio = reported >= numCtx ? (numCtx / raw) * 1.1 : reported / raw;
    this.factor = Math.min(maxCalibration, Math.max(this.factor, ratio));
  }

  /** Learns from an overflow without a count (Ollama refused the prompt): it was larger than num_ctx. */
  overflowed(raw: number, numCtx: number): void {
    this.observe(raw, numCtx, numCtx);
  }
}

/** One message of the loop's history, with the trace that stands in for it when its text is elided. */
export interface HistoryEntry {
  message: Message;
  /** Tool outputs only: e.g. `[read_file src/a.ts lines 1-200: 6,120 characters elided to fit the context]`. */
  trace?: string;
}

/** What fitting produced: the messages to send and what was given up for them. */
export interface FittedPrompt {
  messages: Message[];
  /** The raw estimate of the messages and tools sent (before calibration). */
  rawTokens: number;
  /** The calibrated estimate. */
  tokens: number;
  /** Tool outputs replaced by their trace. */
  elided: number;
  /** Whole turns (an assistant message with its results) left out. */
  droppedTurns: number;
  /** Whether a message of the latest turn was shortened in the middle. */
  shrunk: boolean;
}

/** The prompt budget for a context: num_ctx minus the reply and a safety share, tightened on each overflow retry. */
export function promptLimit(numCtx: number, replyTokens: number, retry = 0): number {
  const limit = numCtx - replyTokens - Math.ceil(numCtx * safetyShare);
  return Math.max(256, Math.floor(limit * 0.8 ** retry));
}

/** The reply budget (`num_predict`) for a context: a quarter of it, at most 4096 tokens. */
export function replyBudget(numCtx: number): number {
  return Math.max(128, Math.min(4096, Math.floor(numCtx / 4)));
}

/**
 * Tokens the first prompt's rules and retrieved code may take: half of what the prompt
 * budget leaves beside the tool definitions (the other half is the conversation's).
 */
export function firstPromptBudget(numCtx: number, toolsTokens: number): number {
  return Math.max(200, Math.floor((promptLimit(numCtx, replyBudget(numCtx)) - toolsTokens) / 2));
}

interface Slot {
  message: Message;
  trace: string | undefined;
  tokens: number;
}

/** Turns after the pinned system prompt and task: each starts at an assistant message (earlier strays form one of their own). */
function splitTurns(entries: readonly HistoryEntry[], counter: TokenCounter): Slot[][] {
  const turns: Slot[][] = [];
  for (const entry of entries) {
    const slot = { message: entry.message, trace: entry.trace, tokens: counter.messageTokens(entry.message) };
    const current = turns.at(-1);
    if (current === undefined || entry.message.role === 'assistant') turns.push([slot]);
    else current.push(slot);
  }
  return turns;
}

/**
 * Fits the history into `limit` calibrated tokens (see the file comment). The first two
 * entries (system prompt with the rules, the task) are always sent whole; a native tool
 * result always goes with the assistant message that called it.
 */
export function fitHistory(history: readonly HistoryEntry[], tools: readonly Tool[], limit: number, counter: TokenCounter): FittedPrompt {
  const pinned = history.slice(0, 2).map((entry) => ({ ...entry.message }));
  const turns = splitTurns(history.slice(2), counter);
  const rawLimit = Math.floor(limit / counter.calibration);
  const sum = (slots: readonly Slot[]): number => slots.reduce((total, slot) => total + slot.tokens, 0);
  let raw = counter.toolsTokens(tools) + pinned.reduce((total, message) => total + counter.messageTokens(message), 0) + turns.reduce((total, turn) => total + sum(turn), 0);
  const result = { elided: 0, droppedTurns: 0, shrunk: false };
  const older = turns.slice(0, -1);
  for (const slot of older.flat()) {
    if (raw <= rawLimit) break;
    if (slot.trace === undefined) continue;
    const message = { ...slot.message, content: slot.trace };
    const tokens = counter.messageTokens(message);
    if (tokens >= slot.tokens) continue;
    raw -= slot.tokens - tokens;
    Object.assign(slot, { message, tokens });
    result.elided += 1;
  }
  // Dropped turns leave a note, whose own cost counts while deciding how many to drop.
  const noteOf = (dropped: number): Message[] => (dropped === 0 ? [] : [{ role: 'user', content: `[${dropped} earlier turns were left out to fit the context; the task above still stands]` }]);
  const noteTokens = (dropped: number): number => noteOf(dropped).reduce((total, message) => total + counter.messageTokens(message), 0);
  let kept = turns;
  while (raw + noteTokens(result.droppedTurns) > rawLimit && kept.length > 1) {
    raw -= sum(kept[0] ?? []);
    kept = kept.slice(1);
    result.droppedTurns += 1;
  }
  const note = noteOf(result.droppedTurns);
  raw += noteTokens(result.droppedTurns);
  const latest = kept.at(-1) ?? [];
  raw = shrinkLatest(latest, raw, rawLimit, counter, () => (result.shrunk = true));
  raw = shrinkTask(pinned, raw, rawLimit, counter, () => (result.shrunk = true));
  const messages = [...pinned, ...note, ...kept.flat().map((slot) => slot.message)];
  return { messages, rawTokens: raw, tokens: counter.calibrated(raw), ...result };
}

/**
 * The last resort when the system prompt, the tools and the task alone overflow (a tiny
 * context): the first prompt keeps its head, where the task comes before the rules and
 * the retrieved code, and loses its end.
 */
function shrinkTask(pinned: Message[], raw: number, rawLimit: number, counter: TokenCounter, onShrink: () => void): number {
  const task = pinned[1];
  if (task === undefined || raw <= rawLimit) return raw;
  const before = counter.messageTokens(task);
  const keep = Math.max(600, Math.floor(task.content.length * Math.max(0, (before - (raw - rawLimit)) / before)));
  if (keep >= task.content.length) return raw;
  task.content = `${task.content.slice(0, keep)}\n[... the rest of this prompt (${(task.content.length - keep).toLocaleString('en-US')} characters) was cut to fit the context ...]`;
  onShrink();
  return raw - before + counter.messageTokens(task);
}

/** Shortens the largest results of the latest turn in the middle until the prompt fits (never below a few hundred characters). */
function shrinkLatest(latest: Slot[], raw: number, rawLimit: number, counter: TokenCounter, onShrink: () => void): number {
  const candidates = latest.filter((slot) => slot.trace !== undefined).sort((a, b) => b.tokens - a.tokens);
  let total = raw;
  for (const slot of candidates) {
    const original = slot.message.content;
    let characters = original.length;
    // A few passes: the cut marker and the uneven density of a text make one proportional cut approximate.
    for (let pass = 0; pass < 4 && total > rawLimit && characters > 400; pass += 1) {
      const share = Math.max(0, (slot.tokens - (total - rawLimit)) / slot.tokens);
      characters = Math.max(400, Math.floor(characters * share) - 60);
      const message = { ...slot.message, content: truncateMiddle(original, characters) };
      const tokens = counter.messageTokens(message);
      total -= slot.tokens - tokens;
      Object.assign(slot, { message, tokens });
      onShrink();
    }
  }
  return total;
}

/**
 * The limits the tools of a loop work under: command, grep and search output at most
 * an eighth of num_ctx, read_file (which takes twice that) a quarter, in characters at
 * the calibrated ratio for code; never more than configured.
 */
export function scaledLimits(limits: AgentLimits, numCtx: number, counter: TokenCounter): AgentLimits {
  const fitting = Math.floor((numCtx / 8) * counter.codeCharactersPerToken);
  return { ...limits, maxOutputCharacters: Math.max(500, Math.min(limits.maxOutputCharacters, fitting)) };
}

/** The most characters of one reply kept in the history: what a quarter of the context holds. */
export function replyCharacterCap(numCtx: number, counter: TokenCounter): number {
  return Math.max(2000, Math.floor((numCtx / 4) * counter.codeCharactersPerToken));
}
