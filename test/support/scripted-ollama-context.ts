// The context window of the scripted Ollama, emulated as Ollama applies it to a chat
// request (server/prompt.go `chatPrompt`, then the runner): the prompt is the template
// rendering of the messages and the tools, counted in scripted tokens; the context is the
// request's `options.num_ctx`, else the Modelfile's `num_ctx`, else Ollama's default
// (4096 since 0.6), never above the model's trained length. A prompt that does not fit
// loses its oldest messages silently (system messages and the last message stay, a tool
// result never loses the call that produced it); with `truncate: false` it is a 400
// instead. `num_predict` cuts a longer reply, which then ends with `done_reason: "length"`.
import type { ChatMessageBody, ChatReply, ChatRequestBody } from './scripted-ollama-chat.js';
import { scriptedTokens, type ResolvedModel } from './scripted-ollama-models.js';

/** Ollama's own `num_ctx` when neither the request nor the Modelfile sets one (0.6 and later). */
export const ollamaDefaultNumCtx = 4096;

/** Tokens the template adds around each message (`<|im_start|>role\n ... <|im_end|>\n`). */
const messageTemplateTokens = 5;
/** Tokens of the tools preamble the template writes into the system turn when tools are offered. */
const toolsTemplateTokens = 24;
/** The generation prompt that opens the assistant's turn. */
const generationPromptTokens = 3;

/** What the scripted server made of a chat request's context. */
export interface ChatContext {
  /** The effective `num_ctx`. */
  numCtx: number;
  /** The rendered prompt's tokens before truncation. */
  renderedTokens: number;
  /** The messages that survived truncation, in order. */
  messages: ChatMessageBody[];
  /** `prompt_eval_count`: the tokens actually evaluated (at most `numCtx`). */
  promptTokens: number;
  /** How many messages were dropped. */
  dropped: number;
  /** Ollama's error for a request that may not be truncated, when it does not fit. */
  error?: string;
}

/** The effective context of a chat request: the request's num_ctx, else the Modelfile's, else Ollama's default; capped at the trained length. */
export function effectiveChatContext(model: ResolvedModel, request: ChatRequestBody): number {
  const requested = request.options?.num_ctx;
  const modelfile = /^num_ctx\s+(\d+)/m.exec(model.parameters)?.[1];
  const numCtx = typeof requested === 'number' && requested > 0 ? requested : modelfile !== undefined ? Number(modelfile) : ollamaDefaultNumCtx;
  return Math.min(numCtx, model.contextLength);
}

/** The scripted tokens of one message as the template renders it: role, content, tool calls, markers. */
export function renderedMessageTokens(message: ChatMessageBody): number {
  const calls = (message.tool_calls ?? []).map((call) => JSON.stringify((call as { function?: unknown }).function ?? call)).join('\n');
  return messageTemplateTokens + scriptedTokens(message.role).length + scriptedTokens(message.content ?? '').length + scriptedTokens(calls).length;
}

/** The scripted tokens of a whole prompt as rendered: every message, the tools' JSON schemas and the generation prompt. */
export function renderedPromptTokens(messages: readonly ChatMessageBody[], tools: readonly unknown[] = []): number {
  const toolTokens = tools.length === 0 ? 0 : toolsTemplateTokens + scriptedTokens(tools.map((tool) => JSON.stringify(tool)).join('\n')).length;
  return messages.reduce((sum, message) => sum + renderedMessageTokens(message), generationPromptTokens + toolTokens);
}

/** Where a block starts: a tool result's block starts at the assistant turn whose calls produced it. */
function blockStart(messages: readonly ChatMessageBody[], index: number): number {
  if (messages[index]?.role !== 'tool') return index;
  let start = index;
  while (start > 0 && messages[start - 1]?.role === 'tool') start -= 1;
  const assistant = messages[start - 1];
  return assistant?.role === 'assistant' && (assistant.tool_calls?.length ?? 0) > 0 ? start - 1 : index;
}

/** Applies Ollama's truncation to a chat request (see the file comment). */
export function fitChatContext(model: ResolvedModel, request: ChatRequestBody): ChatContext {
  const numCtx = effectiveChatContext(model, request);
  const messages = request.messages ?? [];
  const tools = request.tools ?? [];
  const renderedTokens = renderedPromptTokens(messages, tools);
  const truncate = (request as { truncate?: unknown }).truncate !== false;
  if (!truncate || renderedTokens <= numCtx) {
    const context: ChatContext = { numCtx, renderedTokens, messages: [...messages], promptTokens: Math.min(renderedTokens, numCtx), dropped: 0 };
    return renderedTokens > numCtx ? { ...context, error: 'the input length exceeds the context length' } : context;
  }
  let kept = messages;
  for (let index = 0; index < messages.length; index += 1) {
    const start = blockStart(messages, index);
    const candidate = [...messages.slice(0, start).filter((message) => message.role === 'system'), ...messages.slice(start)];
    kept = candidate;
    if (renderedPromptTokens(candidate, tools) <= numCtx) break;
  }
  // What still does not fit is cut by the runner: the prompt evaluated is at most num_ctx tokens.
  const promptTokens = Math.min(renderedPromptTokens(kept, tools), numCtx);
  return { numCtx, renderedTokens, messages: kept, promptTokens, dropped: messages.length - kept.length };
}

/** A reply as `num_predict` lets it out: longer ones are cut at that many tokens, lose their tool calls, and end with `length`. */
export function limitReply(reply: ChatReply, request: ChatRequestBody): ChatReply {
  const numPredict = request.options?.num_predict;
  if (typeof numPredict !== 'number' || numPredict <= 0) return reply;
  const thinking = scriptedTokens(reply.thinking ?? '').length;
  const content = scriptedTokens(reply.content ?? '').length;
  const calls = scriptedTokens(JSON.stringify(reply.toolCalls ?? [])).length;
  if (thinking + content + calls <= numPredict) return reply;
  // The cut reply has no tool calls (their JSON never completed) and streams word by word.
  const cut: ChatReply = { ...reply, content: firstTokens(reply.content ?? '', Math.max(0, numPredict - thinking)), doneReason: 'length', evalCount: numPredict };
  delete cut.toolCalls;
  delete cut.contentChunks;
  return cut;
}

/** The start of a text holding its first `count` scripted tokens. */
function firstTokens(text: string, count: number): string {
  if (count === 0) return '';
  const pattern = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;
  let end = 0;
  for (let seen = 0; seen < count; seen += 1) {
    const match = pattern.exec(text);
    if (match === null) return text;
    end = match.index + match[0].length;
  }
  return text.slice(0, end);
}
