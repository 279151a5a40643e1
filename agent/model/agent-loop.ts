// The tool-calling loop of the agentic nodes. Each step is one chat turn; the calls
// it makes (native, or parsed from text for models without tool support) run in
// order and their results go back to the model. Written-out stop conditions: the
// model calls finish, the step or token limit is reached, the same call repeats, or
// the model stops calling tools. Every request is fitted to the context first
// (context-budget.ts, context-turn.ts).
import type { Message } from 'ollama';
import type { Emit } from '../events.js';
import { truncateMiddle, type LoopLimits } from '../limits.js';
import { toOllamaTool, toolPrompt, type AgentTool, type ToolContext } from '../tools/tool.js';
import { resolveCall } from '../tools/tool-aliases.js';
import { callTool } from '../tools/toolbox.js';
import { scaledLimits, type HistoryEntry } from './context-budget.js';
import { assistantMessage, cutReplyNotice, replyWasCut, requestTurn, traceOf } from './context-turn.js';
import type { ChatModel, ToolCallRequest } from './ollama-model.js';
import { readTextToolCalls } from './tool-call-parser.js';

/** How a loop ended. */
export type LoopStatus = 'finished' | 'step-limit' | 'token-limit' | 'loop' | 'no-tool-calls';

/** What a loop reports back to its node. */
export interface LoopOutcome {
  status: LoopStatus;
  /** The model's finish summary, or a description of why the loop stopped. */
  summary: string;
  steps: number;
  inputTokens: number;
  outputTokens: number;
}

/** Options of `runAgentLoop`. */
export interface AgentLoopOptions {
  node: string;
  model: ChatModel;
  tools: readonly AgentTool[];
  system: string;
  prompt: string;
  limits: LoopLimits;
  toolContext: Omit<ToolContext, 'step' | 'node'>;
  emit: Emit;
  signal: AbortSignal;
  /**
   * Asked when the model calls finish; a returned message is sent back instead of
   * finishing (once per loop), e.g. a task that asks for a change but has none.
   */
  beforeFinish?: () => Promise<string | undefined>;
  /**
   * Told of every model cost as it happens: each turn's tokens, and those of attempts
   * that failed mid-stream (retried or not), so a run that ends in a model failure still
   * counts what it spent.
   */
  spend?: (tokens: { input: number; output: number }) => void;
}

const mutatingTools = new Set(['edit_file', 'create_file', 'delete_file', 'move_file']);

/** The loop's running state, shared by its helpers. */
interface LoopRun {
  options: AgentLoopOptions;
  /** The whole conversation; what is sent each turn is fitted from it. */
  history: HistoryEntry[];
  outcome: LoopOutcome;
  /** How often each call (name and arguments) came since the last successful edit. */
  seen: Map<string, number>;
  /** Whether `beforeFinish` already pushed back once. */
  pushedBack: boolean;
  lastTrim: { key: string };
}

/** Runs the loop to one of its stop conditions; throws only on cancellation or a model failure. */
export async function runAgentLoop(options: AgentLoopOptions): Promise<LoopOutcome> {
  const { model, limits, node } = options;
  const ollamaTools = options.tools.map(toOllamaTool);
  const names = new Set(options.tools.map((tool) => tool.name));
  const system = model.info.nativeTools ? options.system : `${options.system}\n\n${toolPrompt(options.tools)}`;
  const run: LoopRun = {
    options,
    history: [{ message: { role: 'system', content: system } }, { message: { role: 'user', content: options.prompt } }],
    outcome: { status: 'step-limit', summary: '', steps: 0, inputTokens: 0, outputTokens: 0 },
    seen: new Map(),
    pushedBack: false,
    lastTrim: { key: '' },
  };
  const { outcome, history } = run;
  let idleTurns = 0;
  while (outcome.steps < limits.maxSteps) {
    options.signal.throwIfAborted();
    outcome.steps += 1;
    const { turn, estimatedTokens } = await requestTurn({ node, step: outcome.steps, model, history, tools: ollamaTools, emit: options.emit, signal: options.signal, lastTrim: run.lastTrim,
      spend: (input, output) => spend(run, input, output),
      observer: {
        onRetry: (retry) => options.emit('model-retry', { node, model: model.info.name, attempt: retry.attempt, attempts: retry.attempts, kind: retry.fault.kind, reason: retry.fault.detail, delayMs: retry.delayMs }),
        onSpent: (spent) => spend(run, spent.input, spent.output),
      },
    });
    // A reply cut at num_predict is incomplete: nothing in it runs, the model is asked for a smaller step.
    const cut = replyWasCut(turn);
    const printed = turn.toolCalls.length === 0 && !cut ? readTextToolCalls(turn.content, names) : { calls: [] };
    const textCalls = printed.calls;
    const calls: ToolCallRequest[] = (turn.toolCalls.length > 0 ? turn.toolCalls : textCalls).map((call) => resolveCall(options.tools, call));
    options.emit('model-call', {
      node, step: outcome.steps, model: model.info.name, digest: model.info.digest, inputTokens: turn.inputTokens, estimatedTokens, outputTokens: turn.outputTokens,
      latencyMs: turn.latencyMs, ...(turn.firstTokenMs === undefined ? {} : { firstTokenMs: turn.firstTokenMs }), loadMs: turn.loadMs, toolCalls: calls.map((call) => call.name),
      toolCallSource: turn.toolCalls.length > 0 ? 'native' : textCalls.length > 0 ? 'text' : 'none', doneReason: turn.doneReason, content: truncateMiddle(turn.content, 400),
    });
    const viaText = turn.toolCalls.length === 0;
    history.push({ message: assistantMessage(turn, model) });
    if (cut) history.push({ message: { role: 'user', content: cutReplyNotice(turn, model.info.numPredict) } });
    else {
      idleTurns = calls.length === 0 ? idleTurns + 1 : 0;
      if (idleTurns >= 2) return { ...outcome, status: 'no-tool-calls', summary: truncateMiddle(turn.content.trim(), 2000) || 'The model stopped without calling finish.' };
      if (calls.length === 0) history.push({ message: { role: 'user', content: printed.problem === undefined ? 'Continue by calling a tool. When the task is done, call finish with a summary of your changes.' : unreadableCall(printed.problem) } });
      const stop = await runCalls(run, calls, viaText);
      if (stop) return stop;
    }
    if (outcome.inputTokens + outcome.outputTokens >= limits.maxTokens) {
      options.emit('limit-reach', { node, limit: 'tokens', value: outcome.inputTokens + outcome.outputTokens });
      return { ...outcome, status: 'token-limit', summary: `Stopped: the token limit of ${limits.maxTokens} was reached.` };
    }
  }
  options.emit('limit-reach', { node, limit: 'steps', value: outcome.steps });
  return { ...outcome, summary: `Stopped: the step limit of ${limits.maxSteps} was reached.` };
}

/** Adds model tokens to the loop's outcome and tells the node. */
function spend(run: LoopRun, input: number, output: number): void {
  run.outcome.inputTokens += input;
  run.outcome.outputTokens += output;
  run.options.spend?.({ input, output });
}

/** Runs a turn's calls in order and feeds their results back; returns an outcome when the loop must stop. */
async function runCalls(run: LoopRun, calls: readonly ToolCallRequest[], viaText: boolean): Promise<LoopOutcome | undefined> {
  const { options, outcome, seen } = run;
  const { node, limits } = options;
  let failed: string | undefined;
  for (const call of calls) {
    if (call.name === 'finish' && failed !== undefined) {
      // The model has not seen the error yet: finishing now would deliver a change it believes was made.
      run.history.push({ message: toolMessage(viaText, call.name, `finish was not accepted: ${failed} failed earlier in this reply. Read its result above, fix the problem, then call finish.`) });
      return undefined;
    }
    if (call.name === 'finish' && !run.pushedBack && options.beforeFinish) {
      const objection = await options.beforeFinish();
      if (objection !== undefined) {
        run.pushedBack = true;
        run.history.push({ message: toolMessage(viaText, call.name, objection) });
        return undefined;
      }
    }
    const key = `${call.name} ${stableJson(call.arguments)}`;
    const repeats = (seen.get(key) ?? 0) + 1;
    seen.set(key, repeats);
    const shown = truncateMiddle(stableJson(call.arguments), 300);
    if (repeats >= limits.maxRepeats) {
      options.emit('loop-detect', { node, tool: call.name, arguments: shown, repeats, action: 'stop' });
      return { ...outcome, status: 'loop', summary: `Stopped: the model repeated ${call.name} with the same arguments ${repeats} times.` };
    }
    // Tool output caps follow the context: a 4k model cannot take an 8,000-character test log.
    const toolLimits = scaledLimits(options.toolContext.limits, options.model.info.numCtx, options.model.tokens);
    const result = await callTool(options.tools, call, { ...options.toolContext, limits: toolLimits, node, step: outcome.steps });
    if (mutatingTools.has(call.name) && result.ok) seen.clear();
    let output = result.output;
    if (repeats === limits.maxRepeats - 1) {
      options.emit('loop-detect', { node, tool: call.name, arguments: shown, repeats, action: 'warn' });
      output += `\n\nWarning: you already made this exact ${call.name} call. Repeating it again will stop the task; do something different.`;
    }
    run.history.push({ message: toolMessage(viaText, call.name, output), trace: traceOf(call, output) });
    if (!result.ok) failed ??= call.name;
    if (result.finish) return { ...outcome, status: 'finished', summary: result.finish.summary };
  }
  return undefined;
}

/** A tool's result as the model reads it: a tool message, or a user message for models without native tools. */
function toolMessage(viaText: boolean, name: string, output: string): Message {
  return viaText ? { role: 'user', content: `Result of ${name}:\n${output}` } : { role: 'tool', content: output, tool_name: name };
}

/** The answer to a reply that looks like a tool call but could not be read, saying why. */
function unreadableCall(problem: string): string {
  return `Your reply looks like a tool call, but it could not be read: ${problem}. Reply with one tool call as a JSON object, e.g. {"name": "read_file", "arguments": {"path": "src/index.ts"}}.`;
}

/** JSON with sorted keys, so the same arguments in another order count as the same call. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([key, entry]) => `${JSON.stringify(key)}:${stableJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
