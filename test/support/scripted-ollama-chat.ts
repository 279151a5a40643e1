// The /api/chat side of the scripted Ollama server: scripted assistant turns and the
// records Ollama sends for them, either one JSON object or NDJSON chunks ending in
// a `done: true` record that carries the token counts and durations.
import type { ChatFault } from './scripted-ollama-faults.js';
import { fnv1a, scriptedTokens } from './scripted-ollama-models.js';

/** A tool call the scripted model makes; becomes `message.tool_calls[i].function`. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

/** One scripted assistant turn. */
export interface ChatReply {
  content?: string;
  /** Streamed before the content in `message.thinking`, as thinking models do. */
  thinking?: string;
  toolCalls?: ScriptedToolCall[];
  /** `done_reason` of the final record; defaults to `stop` (also for tool calls, as Ollama does). */
  doneReason?: string;
  /** Defaults to the scripted token count of the request's messages. */
  promptEvalCount?: number;
  /** Defaults to the scripted token count of the reply. */
  evalCount?: number;
  /** How streamed content is cut into chunks; defaults to one word (with its trailing space) per chunk. */
  contentChunks?: string[];
  /** The turn fails this way instead of finishing (scripted-ollama-faults.ts); a mid-stream fault streams the reply's first chunks. */
  fault?: ChatFault;
  /** Reported as `load_duration` (a cold load); defaults to 1.5 ms. */
  loadDurationMs?: number;
}

/** A message of a chat request, as the client sent it. */
export interface ChatMessageBody {
  role: string;
  content?: string;
  thinking?: string;
  tool_calls?: unknown[];
  tool_name?: string;
  images?: unknown[];
}

/** The body of a /api/chat request, as the client sent it. */
export interface ChatRequestBody {
  model: string;
  messages?: ChatMessageBody[];
  tools?: unknown[];
  stream?: boolean;
  format?: unknown;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
  think?: boolean | string;
}

/**
 * What the scripted model answers: a queue taken in order, one reply per chat
 * request, or a function of the request and its 0-based turn number.
 */
export type ChatScript = readonly ChatReply[] | ((request: ChatRequestBody, turn: number) => ChatReply | Promise<ChatReply>);

/** The reply for the `turn`-th chat request; throws when a queue has run out. */
export async function nextReply(script: ChatScript | undefined, request: ChatRequestBody, turn: number): Promise<ChatReply> {
  if (typeof script === 'function') return script(request, turn);
  const reply = script?.[turn];
  if (reply === undefined) throw new Error(`scripted Ollama: no reply scripted for chat request ${turn + 1} (${script?.length ?? 0} scripted)`);
  return reply;
}

type ChatRecord = Record<string, unknown>;

/** The JSON objects Ollama sends for a reply: chunks then the done record when streaming, else one object. */
export function chatRecords(request: ChatRequestBody, reply: ChatReply, stream: boolean): ChatRecord[] {
  const createdAt = (): string => new Date().toISOString();
  const head = (): ChatRecord => ({ model: request.model, created_at: createdAt() });
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: `call_${fnv1a(`${index}:${call.name}:${JSON.stringify(call.arguments)}`).toString(36)}`,
    function: { index, name: call.name, arguments: call.arguments },
  }));
  const final = { ...statistics(request, reply), done_reason: reply.doneReason ?? 'stop', done: true };

  if (!stream) {
    const message: ChatRecord = { role: 'assistant', content: reply.content ?? '' };
    if (reply.thinking !== undefined) message.thinking = reply.thinking;
    if (toolCalls.length > 0) message.tool_calls = toolCalls;
    return [{ ...head(), message, ...final }];
  }

  const records: ChatRecord[] = [];
  for (const piece of pieces(reply.thinking ?? '')) {
    records.push({ ...head(), message: { role: 'assistant', content: '', thinking: piece }, done: false });
  }
  for (const piece of reply.contentChunks ?? pieces(reply.content ?? '')) {
    records.push({ ...head(), message: { role: 'assistant', content: piece }, done: false });
  }
  if (toolCalls.length > 0) records.push({ ...head(), message: { role: 'assistant', content: '', tool_calls: toolCalls }, done: false });
  records.push({ ...head(), message: { role: 'assistant', content: '' }, ...final });
  return records;
}

/** Words with their trailing whitespace; joined, they give back the text. */
function pieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === '' ? [] : [text]);
}

function statistics(request: ChatRequestBody, reply: ChatReply): ChatRecord {
  const promptText = (request.messages ?? []).map((message) => message.content ?? '').join('\n');
  const replyText = [reply.thinking ?? '', reply.content ?? '', JSON.stringify(reply.toolCalls ?? [])].join('\n');
  const promptEvalCount = reply.promptEvalCount ?? scriptedTokens(promptText).length;
  const evalCount = reply.evalCount ?? Math.max(1, scriptedTokens(replyText).length);
  // Plausible nanosecond durations, derived from the counts so runs are reproducible.
  const promptEvalDuration = promptEvalCount * 200_000;
  const evalDuration = evalCount * 20_000_000;
  const loadDuration = reply.loadDurationMs === undefined ? 1_500_000 : Math.round(reply.loadDurationMs * 1e6);
  return {
    total_duration: loadDuration + promptEvalDuration + evalDuration,
    load_duration: loadDuration,
    prompt_eval_count: promptEvalCount,
    prompt_eval_duration: promptEvalDuration,
    eval_count: evalCount,
    eval_duration: evalDuration,
  };
}
