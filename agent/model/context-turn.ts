// One model turn of the loop under the context budget: fit the history, send it, and
// retry with a tighter budget when Ollama says the prompt overflowed (a 400 "input
// length exceeds the context length", or a prompt_eval_count at num_ctx, which means it
// cut the prompt). Also what a reply and a tool result become in the history: a
// runaway reply is capped, a reply cut at num_predict is named to the model, and each
// tool result carries the trace that stands in for it once it has to be elided.
import type { Message, Tool } from 'ollama';
import type { Emit } from '../events.js';
import { truncateMiddle } from '../limits.js';
import { fitHistory, promptLimit, replyCharacterCap, type FittedPrompt, type HistoryEntry } from './context-budget.js';
import type { RetryObserver } from './model-retry.js';
import { isContextOverflow, type ChatModel, type ChatTurn, type ToolCallRequest } from './ollama-model.js';

/** Retries of one turn after an overflow before the error stands. */
const maxOverflowRetries = 2;

/** What a turn needs from the loop: the model, the history, where to count tokens and report trims. */
export interface TurnContext {
  node: string;
  step: number;
  model: ChatModel;
  history: readonly HistoryEntry[];
  tools: readonly Tool[];
  emit: Emit;
  signal: AbortSignal;
  /** Counts tokens spent, failed attempts included. */
  spend: (input: number, output: number) => void;
  /** Hears of the model client's retries of transient faults (and what failed attempts cost). */
  observer?: RetryObserver;
  /** The last budget trim reported (elided, dropped, shrunk), so an unchanged trim is not reported every turn. */
  lastTrim: { key: string };
}

/** Sends one turn, fitted to the context; retries overflows (tighter each time) up to twice. Returns the turn and the calibrated estimate of the prompt it answered. */
export async function requestTurn(context: TurnContext): Promise<{ turn: ChatTurn; estimatedTokens: number }> {
  const { model, signal } = context;
  const { numCtx, numPredict } = model.info;
  for (let retry = 0; ; retry += 1) {
    const limit = promptLimit(numCtx, numPredict, retry);
    const fitted = fitHistory(context.history, context.tools, limit, model.tokens);
    reportBudgetTrim(context, fitted, limit, retry);
    let turn: ChatTurn;
    try {
      turn = await model.chat(fitted.messages, context.tools, signal, context.observer);
    } catch (error) {
      if (!isContextOverflow(error) || retry >= maxOverflowRetries) throw error;
      model.tokens.overflowed(fitted.rawTokens, numCtx);
      emitOverflow(context, fitted, { reason: 'rejected', limit, reported: null, retry: retry + 1 });
      continue;
    }
    context.spend(turn.inputTokens, turn.outputTokens);
    const estimatedTokens = fitted.tokens;
    model.tokens.observe(fitted.rawTokens, turn.inputTokens, numCtx);
    if (turn.inputTokens < numCtx || retry >= maxOverflowRetries) return { turn, estimatedTokens };
    emitOverflow(context, fitted, { reason: 'truncated', limit, reported: turn.inputTokens, retry: retry + 1 });
  }
}

function reportBudgetTrim(context: TurnContext, fitted: FittedPrompt, limit: number, retry: number): void {
  if (fitted.elided === 0 && fitted.droppedTurns === 0 && !fitted.shrunk) return;
  const key = `${fitted.elided}/${fitted.droppedTurns}/${fitted.shrunk}/${retry}`;
  if (key === context.lastTrim.key) return;
  context.lastTrim.key = key;
  emitTrim(context, fitted, { reason: 'budget', limit, reported: null, retry });
}

interface TrimFacts {
  reason: 'budget' | 'truncated' | 'rejected';
  limit: number;
  reported: number | null;
  retry: number;
}

function emitOverflow(context: TurnContext, fitted: FittedPrompt, facts: TrimFacts): void {
  context.lastTrim.key = '';
  emitTrim(context, fitted, facts);
}

function emitTrim(context: TurnContext, fitted: FittedPrompt, facts: TrimFacts): void {
  context.emit('context-trim', {
    node: context.node, step: context.step, reason: facts.reason, numCtx: context.model.info.numCtx, limitTokens: facts.limit, estimatedTokens: fitted.tokens,
    reportedTokens: facts.reported, elidedOutputs: fitted.elided, droppedTurns: fitted.droppedTurns, shrunk: fitted.shrunk, retry: facts.retry,
  });
}

/** True when Ollama stopped the reply at num_predict before it was complete (and it made no native call). */
export function replyWasCut(turn: ChatTurn): boolean {
  return turn.doneReason === 'length' && turn.toolCalls.length === 0;
}

/** The assistant message as it enters the history: a runaway text is kept by its head and tail only. */
export function assistantMessage(turn: ChatTurn, model: ChatModel): Message {
  const cap = replyWasCut(turn) ? 600 : replyCharacterCap(model.info.numCtx, model.tokens);
  const content = truncateMiddle(turn.content, cap);
  if (turn.toolCalls.length === 0) return { role: 'assistant', content };
  return { role: 'assistant', content, tool_calls: turn.toolCalls.map((call) => ({ function: call })) };
}

/** What the model is told after a reply cut at num_predict: nothing in it ran, and a smaller step fits. */
export function cutReplyNotice(turn: ChatTurn, numPredict: number): string {
  return `Your reply was cut at ${turn.outputTokens || numPredict} tokens (the reply limit is ${numPredict}), so nothing in it was run. Take a smaller step: edit one function at a time with edit_file, or create a large file in parts.`;
}

/**
 * The one line that stands in for a tool result elided to fit the context, e.g.
 * `[read_file src/a.ts lines 1-200: 6,120 characters elided to fit the context]` or
 * `[run_command npm test: exit 1, output elided]`.
 */
export function traceOf(call: ToolCallRequest, output: string): string {
  const text = (key: string): string => (typeof call.arguments[key] === 'string' ? (call.arguments[key] as string) : '');
  const characters = output.length.toLocaleString('en-US');
  if (call.name === 'read_file') {
    const numbers = [...output.matchAll(/^\s*(\d+)\| /gm)].map((match) => match[1]);
    const lines = numbers.length > 0 ? ` lines ${numbers[0]}-${numbers.at(-1)}` : '';
    return `[read_file ${text('path')}${lines}: ${characters} characters elided to fit the context]`;
  }
  if (call.name === 'run_command') {
    const status = /^\((exit code (\S+?)|timed out)[,)]/m.exec(output);
    const exit = status?.[2] !== undefined ? `exit ${status[2]}` : status?.[1] ?? 'ran';
    return `[run_command ${truncateMiddle(text('command'), 120)}: ${exit}, output elided to fit the context]`;
  }
  const subject = text('path') || text('query') || text('pattern') || text('command');
  return `[${call.name}${subject === '' ? '' : ` ${truncateMiddle(subject, 120)}`}: ${characters} characters of output elided to fit the context]`;
}
