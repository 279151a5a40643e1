// The model client: one Ollama model reached with the `ollama` npm client. It reads
// the model's facts once (/api/show, /api/tags), then streams chat turns with
// num_ctx, temperature and keep_alive set, watchdog timeouts (ollama-stream.ts) and the caller's
// AbortSignal; transient faults are retried (model-retry.ts).
import type { Message, Tool } from 'ollama';
import { OllamaConnection, describeRunningOllamaError, modelFacts, ollamaTimeoutError, type RequestPhase } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { Watchdog, failedTurnTokens, normalizeArguments, unexpectedRecord } from './ollama-stream.js';
import { AttemptError, defaultRetryPolicy, withRetries, type RetryObserver, type RetryPolicy } from './model-retry.js';
import { TokenCounter, replyBudget } from './context-budget.js';

/** What the client learned about a model when it connected. */
export interface ModelInfo {
  name: string;
  /** The digest /api/tags reports, so traces say exactly which weights answered. */
  digest: string;
  capabilities: string[];
  /** The model's trained context, and the `num_ctx` sent with every request (see `resolveNumCtx`). */
  contextLength: number;
  numCtx: number;
  /** The `num_predict` sent with every request: the reply budget the prompt leaves room for. */
  numPredict: number;
  /** True when the model takes `tools` natively; otherwise tools are described in the prompt. */
  nativeTools: boolean;
  /** The `temperature` sent with every request; undefined when the Modelfile sets one (it is left to apply). */
  temperature: number | undefined;
  /** Who chose the temperature: the user (option or task), the Modelfile, or minions' default. */
  temperatureSource: 'user' | 'modelfile' | 'default';
}

/** A tool call as the model made it. */
export interface ToolCallRequest {
  name: string;
  arguments: Record<string, unknown>;
}

/** One finished assistant turn with its costs. */
export interface ChatTurn {
  content: string;
  thinking: string;
  toolCalls: ToolCallRequest[];
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  /** Milliseconds from the request to the first streamed content or tool call; undefined when none streamed. */
  firstTokenMs?: number;
  loadMs: number;
  doneReason: string;
}

/** How loading a model went: the wall time and whether Ollama had it loaded already (undefined: unknown). */
export interface ModelLoad {
  durationMs: number;
  alreadyLoaded: boolean | undefined;
}

/**
 * Ollama's `format` of a chat request: `json` (any JSON) or a JSON schema the reply is
 * constrained to (structured outputs, Ollama 0.5+; older servers ignore it).
 */
export type ChatFormat = 'json' | Record<string, unknown>;

/** A connected chat model; every node that talks to a model holds one. */
export interface ChatModel {
  readonly info: ModelInfo;
  /** This model's token counter, calibrated by every loop that talks to it. */
  readonly tokens: TokenCounter;
  /**
   * One turn; transient faults are retried (the observer hears of each retry and of the
   * tokens failed attempts cost). `format` constrains the reply (the reviewer's JSON schema).
   */
  chat(messages: readonly Message[], tools: readonly Tool[], signal: AbortSignal, observer?: RetryObserver, format?: ChatFormat): Promise<ChatTurn>;
  /** Loads the model into memory with the options chats send (so the first chat does not reload it); retried like a chat. */
  preload(signal: AbortSignal, observer?: RetryObserver): Promise<ModelLoad>;
}

/** Options of `connectModel`. */
export interface ModelClientOptions {
  host: string;
  model: string;
  /** How long the model stays loaded after a request; defaults to `30m`. */
  keepAlive?: string | number;
  /** Upper bound on num_ctx when neither `numCtx` nor the Modelfile sets it. */
  maxContextLength: number;
  /** num_ctx set explicitly (`--num-ctx`, `MINIONS_NUM_CTX`, the task's `numCtx`): wins over the Modelfile. */
  numCtx?: number;
  /** Wait for the first streamed chunk (model loading, prompt evaluation); defaults to 10 minutes. */
  firstChunkTimeoutMs?: number;
  /** Wait between later chunks; defaults to 2 minutes. */
  chunkTimeoutMs?: number;
  /** Wait for /api/show and /api/tags; defaults to 30 s. */
  metadataTimeoutMs?: number;
  /** The user's sampling temperature; without it, the Modelfile's, else `defaultTemperature`. */
  temperature?: number;
  /** Retries of transient faults; `defaultRetryPolicy` for what is not given. */
  retry?: Partial<RetryPolicy>;
  fetch?: typeof fetch;
}

/** Context assumed when /api/show reports none (Ollama's own default is smaller still). */
const fallbackContextLength = 8_192;

/**
 * The temperature sent when neither the user nor the Modelfile sets one: tool calls and
 * edits want the likeliest tokens (Ollama's own default is 0.8).
 */
export const defaultTemperature = 0.2;

/** The name /api/tags and /api/ps list a model under: `name:latest` when no tag is given. */
function canonicalName(model: string): string {
  return model.slice(model.lastIndexOf('/') + 1).includes(':') ? model : `${model}:latest`;
}

/** Looks the model up and returns a client for it. Throws `model-unavailable` with a clear message when Ollama is down or the model is not pulled. */
export async function connectModel(options: ModelClientOptions, signal: AbortSignal): Promise<ChatModel> {
  const connection = new OllamaConnection({
    host: options.host,
    model: options.model,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    missingModelMessage: `Model ${options.model} is not pulled in Ollama at ${options.host}; run \`ollama pull ${options.model}\` (or choose another with --model).`,
  });
  const metadata = { signal, timeoutMs: options.metadataTimeoutMs ?? 30_000 };
  const facts = modelFacts(await connection.request((client) => client.show({ model: options.model }), metadata));
  const { capabilities } = facts;
  if (capabilities.length > 0 && !capabilities.includes('completion')) {
    throw new MinionsError('model-unavailable', `Model ${options.model} in Ollama at ${options.host} cannot chat (capabilities: ${capabilities.join(', ')}); choose a coding model such as qwen2.5-coder:7b.`);
  }
  const listed = await connection.request((client) => client.list(), metadata);
  const canonical = canonicalName(options.model);
  const digest = listed.models.find((entry) => entry.name === canonical || entry.model === canonical || entry.name === options.model)?.digest ?? '';
  const contextLength = facts.contextLength ?? fallbackContextLength;
  const numCtx = resolveNumCtx(options.numCtx, facts.numCtxParameter, contextLength, options.maxContextLength);
  const info: ModelInfo = {
    name: options.model,
    digest,
    capabilities,
    contextLength,
    numCtx,
    numPredict: replyBudget(numCtx),
    nativeTools: capabilities.includes('tools'),
    temperature: options.temperature ?? (facts.temperature === undefined ? defaultTemperature : undefined),
    temperatureSource: options.temperature !== undefined ? 'user' : facts.temperature !== undefined ? 'modelfile' : 'default',
  };
  return new OllamaChatModel(info, options, connection);
}

/**
 * The num_ctx sent: the explicit setting; else the Modelfile's `num_ctx` (never more: it
 * often encodes what the GPU holds); else the model's context up to `maxContextLength`.
 */
export function resolveNumCtx(explicit: number | undefined, modelfile: number | undefined, contextLength: number, maxContextLength: number): number {
  if (explicit !== undefined) return explicit;
  if (modelfile !== undefined) return Math.min(modelfile, contextLength);
  return Math.min(contextLength, maxContextLength);
}

/** True for the error of a prompt Ollama refused as longer than the context (`details.contextOverflow`). */
export function isContextOverflow(error: unknown): boolean {
  return error instanceof MinionsError && error.details?.contextOverflow === true;
}

/** Ollama's 400 for a prompt it may not truncate that exceeds num_ctx (also seen as 500 from older runners). */
function overflowError(error: unknown, host: string, model: string, numCtx: number): MinionsError | undefined {
  const message = error instanceof Error ? error.message : '';
  if (!/input length exceeds the context length/i.test(message)) return undefined;
  return new MinionsError('model-unavailable', `Ollama at ${host} refused the prompt for model ${model}: it exceeds num_ctx ${numCtx}.`, { cause: error, details: { contextOverflow: true } });
}

class OllamaChatModel implements ChatModel {
  private readonly policy: RetryPolicy;
  readonly tokens = new TokenCounter();

  constructor(
    readonly info: ModelInfo,
    private readonly options: ModelClientOptions,
    private readonly connection: OllamaConnection,
  ) {
    this.policy = { ...defaultRetryPolicy, ...options.retry };
  }

  async chat(messages: readonly Message[], tools: readonly Tool[], signal: AbortSignal, observer: RetryObserver = {}, format?: ChatFormat): Promise<ChatTurn> {
    signal.throwIfAborted();
    return withRetries(this.policy, this.connection, () => this.attempt(messages, tools, signal, format), (error) => this.describe(error), observer, signal);
  }

  async preload(signal: AbortSignal, observer: RetryObserver = {}): Promise<ModelLoad> {
    signal.throwIfAborted();
    const started = performance.now();
    const alreadyLoaded = await this.isLoaded(signal);
    await withRetries(this.policy, this.connection, () => this.load(signal), (error) => this.describe(error), observer, signal);
    return { durationMs: Math.round(performance.now() - started), alreadyLoaded };
  }

  /** A failure that is not a passing fault, worded for an Ollama that was running (it answered /api/show). */
  private describe(error: unknown): MinionsError {
    return overflowError(error, this.options.host, this.info.name, this.info.numCtx) ?? describeRunningOllamaError(error, this.options.host, this.info.name, (known) => this.connection.describe(known));
  }

  /** The `options` of every request; the load request sends the same, or Ollama would reload for the first chat. */
  private requestOptions(): Record<string, number> {
    return { num_ctx: this.info.numCtx, num_predict: this.info.numPredict, ...(this.info.temperature === undefined ? {} : { temperature: this.info.temperature }) };
  }

  /** One streamed chat request; a failure is an `AttemptError` saying whether streaming had begun and what it cost. */
  private async attempt(messages: readonly Message[], tools: readonly Tool[], signal: AbortSignal, format: ChatFormat | undefined): Promise<ChatTurn> {
    const started = performance.now();
    const watchdog = new Watchdog(this.options.firstChunkTimeoutMs ?? 600_000, this.options.chunkTimeoutMs ?? 120_000);
    const combined = AbortSignal.any([signal, watchdog.signal]);
    const client = this.connection.client(combined);
    const turn: ChatTurn = { content: '', thinking: '', toolCalls: [], inputTokens: 0, outputTokens: 0, latencyMs: 0, loadMs: 0, doneReason: '' };
    let phase: RequestPhase = 'request';
    try {
      const stream = await client.chat({
        model: this.info.name,
        messages: [...messages],
        ...(this.info.nativeTools && tools.length > 0 ? { tools: [...tools] } : {}),
        ...(format === undefined ? {} : { format }),
        stream: true,
        keep_alive: this.options.keepAlive ?? '30m',
        options: this.requestOptions(),
      });
      phase = 'stream';
      for await (const part of stream) {
        watchdog.tick();
        // Ollama 0.11 sent some errors under another key (`{"error parsing tool call": ...}`), which the client passes on.
        if ((part.message as Message | undefined) === undefined) throw new Error(unexpectedRecord(part));
        // Time to first token: what a user waits for, prompt evaluation and model loading included.
        if (turn.firstTokenMs === undefined && ((part.message.content ?? '') !== '' || (part.message.tool_calls?.length ?? 0) > 0)) turn.firstTokenMs = Math.round(performance.now() - started);
        turn.content += part.message.content ?? '';
        turn.thinking += part.message.thinking ?? '';
        for (const call of part.message.tool_calls ?? []) turn.toolCalls.push({ name: call.function.name, arguments: normalizeArguments(call.function.arguments) });
        if (part.done) {
          turn.inputTokens = part.prompt_eval_count ?? 0;
          turn.outputTokens = part.eval_count ?? 0;
          turn.loadMs = Math.round((part.load_duration ?? 0) / 1e6);
          turn.doneReason = part.done_reason ?? 'stop';
        }
      }
    } catch (error) {
      signal.throwIfAborted();
      // Once tokens streamed, the prompt was evaluated and part of a reply generated: they count, estimated.
      const spent = watchdog.sawChunk ? failedTurnTokens(messages, turn) : { input: 0, output: 0 };
      if (watchdog.signal.aborted) throw new AttemptError(ollamaTimeoutError(this.options.host, this.info.name, watchdog.lastTimeoutMs, watchdog.sawChunk ? 'stream' : 'load'), phase, spent);
      throw new AttemptError(error, phase, spent);
    } finally {
      watchdog.stop();
    }
    turn.latencyMs = Math.round(performance.now() - started);
    return turn;
  }

  /** Ollama loads a model on a generate request without a prompt and answers `done_reason: "load"`. */
  private async load(signal: AbortSignal): Promise<void> {
    const timeoutMs = this.options.firstChunkTimeoutMs ?? 600_000;
    const timeout = AbortSignal.timeout(timeoutMs);
    const client = this.connection.client(AbortSignal.any([signal, timeout]));
    try {
      await client.generate({ model: this.info.name, prompt: '', stream: false, keep_alive: this.options.keepAlive ?? '30m', options: this.requestOptions() });
    } catch (error) {
      signal.throwIfAborted();
      if (timeout.aborted) throw ollamaTimeoutError(this.options.host, this.info.name, timeoutMs, 'load');
      throw new AttemptError(error, 'request', { input: 0, output: 0 });
    }
  }

  /** Whether /api/ps lists the model as loaded; undefined when the server does not say. */
  private async isLoaded(signal: AbortSignal): Promise<boolean | undefined> {
    const canonical = canonicalName(this.info.name);
    try {
      const running = await this.connection.request((client) => client.ps(), { signal, timeoutMs: this.options.metadataTimeoutMs ?? 30_000 });
      return running.models.some((entry) => entry.name === canonical || entry.model === canonical);
    } catch {
      signal.throwIfAborted();
      return undefined;
    }
  }
}
