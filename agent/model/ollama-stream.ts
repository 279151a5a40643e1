// Helpers for reading one streamed Ollama chat reply: the watchdog that aborts a
// stalled stream, the normalising of streamed tool arguments, the wording of an
// unexpected record, and the token estimate of a turn that failed mid-stream.
import type { Message } from 'ollama';
import { estimateTokens } from '../limits.js';
import type { ChatTurn } from './ollama-model.js';

/** What a streamed record without a message says: an error under another key, or the record itself. */
export function unexpectedRecord(record: object): string {
  const error = Object.entries(record).find(([key]) => key.startsWith('error'));
  return error === undefined ? `an unexpected record in the stream: ${JSON.stringify(record).slice(0, 200)}` : `${error[0]}: ${String(error[1])}`;
}

/** The estimated tokens of a turn that failed mid-stream: its whole prompt, and the reply so far. */
export function failedTurnTokens(messages: readonly Message[], turn: ChatTurn): { input: number; output: number } {
  const input = messages.reduce((sum, message) => sum + estimateTokens(message.content), 0);
  return { input, output: estimateTokens(`${turn.thinking}${turn.content}${turn.toolCalls.length > 0 ? JSON.stringify(turn.toolCalls) : ''}`) };
}

/** Tool arguments arrive as an object, or (from some templates) as a JSON string. */
export function normalizeArguments(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Aborts when no chunk arrives in time: a long wait for the first (loading), a shorter one between chunks. */
export class Watchdog {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  sawChunk = false;
  lastTimeoutMs: number;

  constructor(
    firstMs: number,
    private readonly nextMs: number,
  ) {
    this.lastTimeoutMs = firstMs;
    this.timer = setTimeout(() => this.controller.abort(), firstMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  tick(): void {
    this.sawChunk = true;
    this.lastTimeoutMs = this.nextMs;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(), this.nextMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
