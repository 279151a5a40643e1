// A scripted stand-in for an Ollama server, for tests only: node:http on 127.0.0.1
// speaking Ollama's HTTP API (/api/version, /api/tags, /api/show, /api/embed and
// /api/chat with NDJSON streaming and tool calls). It records every request, can
// delay or fail any endpoint, and answers chat from a script. The node:http plumbing
// (body reading, JSON answers, pauses, closedPort) is in scripted-ollama-http.ts.
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatRecords, nextReply, type ChatRequestBody, type ChatScript } from './scripted-ollama-chat.js';
import { LoadedModels, loadRecord, serveChatFault, serveGenerate } from './scripted-ollama-faults.js';
import { fitChatContext, limitReply, type ChatContext } from './scripted-ollama-context.js';
import { constrainsFormat, formatViolation } from './scripted-ollama-format.js';
import { asRecord, pause, readBody, sendJson } from './scripted-ollama-http.js';
import { canonicalModelName, effectiveContext, hashedVector, resolveModel, scriptedTokens, showBody, tagsEntry, type ResolvedModel, type ScriptedModel } from './scripted-ollama-models.js';

export type { ChatMessageBody, ChatReply, ChatRequestBody, ChatScript, ScriptedToolCall } from './scripted-ollama-chat.js';
export { hashedVector, scriptedTokens, type ScriptedModel } from './scripted-ollama-models.js';
export { ollamaFaults, type ChatFault } from './scripted-ollama-faults.js';
export { closedPort } from './scripted-ollama-http.js';
export { effectiveChatContext, ollamaDefaultNumCtx, renderedPromptTokens, type ChatContext } from './scripted-ollama-context.js';

/** The endpoints the scripted server implements. */
export type OllamaPath = '/api/version' | '/api/tags' | '/api/show' | '/api/embed' | '/api/chat' | '/api/generate' | '/api/ps';

/** An error answer: the status and Ollama's `{"error": ...}` body, for the next `times` requests (default: all). */
export interface ScriptedFailure {
  status: number;
  error: string;
  times?: number;
}

/** Options of `startScriptedOllama`. */
export interface ScriptedOllamaOptions {
  models?: ScriptedModel[];
  chat?: ChatScript;
  /** What /api/version reports; defaults to `0.12.6`. Before 0.5.0 the server ignores a JSON schema `format` (scripted-ollama-format.ts). */
  version?: string;
  /** Milliseconds to wait before answering, per endpoint; `Infinity` never answers (the client has to give up). */
  delays?: Partial<Record<OllamaPath, number>>;
  failures?: Partial<Record<OllamaPath, ScriptedFailure>>;
  /** Milliseconds between streamed NDJSON chunks; defaults to 0. */
  chunkDelayMs?: number;
}

/** One request as the server received it; `body` is the parsed JSON, or undefined when there was none. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A running scripted server. */
export interface ScriptedOllama {
  /** `http://127.0.0.1:<port>`, ready for `new Ollama({ host })`. */
  readonly host: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** What Ollama's context handling made of each chat request (effective num_ctx, rendered tokens, surviving messages). */
  readonly chatContexts: readonly ChatContext[];
  /** The recorded requests to one path. */
  requestsTo(path: string): RecordedRequest[];
  /** Resolves with the `count`-th request to `path` (1-based) once it has arrived, at once if it already has. */
  waitForRequest(path: string, count?: number): Promise<RecordedRequest>;
  setDelay(path: OllamaPath, milliseconds: number | undefined): void;
  setFailure(path: OllamaPath, failure: ScriptedFailure | undefined): void;
  /** Replaces the chat script; the turn count starts again at 0. */
  setChat(script: ChatScript): void;
  /** Makes model loads (the first request for a model) wait until `gate` settles; undefined: load at once. */
  holdLoads(gate: Promise<void> | undefined): void;
  /** Forgets which models are loaded, as if Ollama unloaded them (keep_alive passed). */
  unloadAll(): void;
  /** Stops listening and cuts open connections, pending delays included. */
  close(): Promise<void>;
}

type Handler = (request: RecordedRequest, response: ServerResponse) => Promise<void>;

/** Starts a scripted Ollama server on 127.0.0.1 on a free port. */
export async function startScriptedOllama(options: ScriptedOllamaOptions = {}): Promise<ScriptedOllama> {
  const models = new Map<string, ResolvedModel>();
  for (const model of options.models ?? []) {
    const resolved = resolveModel(model);
    models.set(resolved.name, resolved);
  }
  const delays = new Map(Object.entries(options.delays ?? {}));
  const failures = new Map(Object.entries(options.failures ?? {}));
  const requests: RecordedRequest[] = [];
  const chatContexts: ChatContext[] = [];
  const arrivals = new EventEmitter();
  const chunkDelayMs = options.chunkDelayMs ?? 0;
  let chat = options.chat;
  let chatTurn = 0;
  let loaded = new LoadedModels();

  const findModel = (name: unknown): ResolvedModel | undefined => (typeof name === 'string' ? models.get(canonicalModelName(name)) : undefined);

  const handlers: Record<string, Handler> = {
    'GET /': async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('Ollama is running');
    },
    'GET /api/version': async (_request, response) => sendJson(response, 200, { version: options.version ?? '0.12.6' }),
    'GET /api/tags': async (_request, response) => sendJson(response, 200, { models: [...models.values()].map(tagsEntry) }),
    'GET /api/ps': async (_request, response) => sendJson(response, 200, loaded.psBody((name) => tagsEntry(models.get(name) as ResolvedModel))),
    'POST /api/generate': async (request, response) => serveGenerate(response, loaded, asRecord(request.body), findModel(asRecord(request.body).model)?.name),
    'POST /api/show': async (request, response) => {
      const body = asRecord(request.body);
      const name = body.model ?? body.name;
      const model = findModel(name);
      if (model === undefined) return sendJson(response, 404, { error: `model '${String(name)}' not found` });
      sendJson(response, 200, showBody(model));
    },
    'POST /api/embed': async (request, response) => {
      const body = asRecord(request.body);
      const model = findModel(body.model);
      if (model === undefined) return sendJson(response, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
      if (!model.capabilities.includes('embedding')) return sendJson(response, 400, { error: `"${model.name}" does not support embeddings` });
      const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) ? body.input.map(String) : [];
      const context = effectiveContext(model);
      const embeddings: number[][] = [];
      let promptEvalCount = 0;
      for (const input of inputs) {
        let tokens = scriptedTokens(input);
        if (tokens.length > context) {
          if (body.truncate === false) return sendJson(response, 400, { error: 'the input length exceeds the context length' });
          tokens = tokens.slice(0, context);
        }
        promptEvalCount += tokens.length;
        embeddings.push(hashedVector(tokens, model.embeddingLength, model.vectorScale));
      }
      sendJson(response, 200, { model: body.model, embeddings, total_duration: 14_143_917, load_duration: 1_019_500, prompt_eval_count: promptEvalCount });
    },
    'POST /api/chat': async (request, response) => {
      const body = asRecord(request.body) as Partial<ChatRequestBody>;
      if (typeof body.model !== 'string' || body.model === '') return sendJson(response, 400, { error: 'model is required' });
      const model = findModel(body.model);
      if (model === undefined) return sendJson(response, 404, { error: `model "${body.model}" not found, try pulling it first` });
      if (!model.capabilities.includes('completion')) return sendJson(response, 400, { error: `"${model.name}" does not support chat` });
      if ((body.tools?.length ?? 0) > 0 && !model.capabilities.includes('tools')) {
        return sendJson(response, 400, { error: `registry.ollama.ai/library/${model.name} does not support tools` });
      }
      const requested = body as ChatRequestBody;
      await loaded.load(model.name);
      // Without messages, Ollama only loads the model: that takes no scripted turn.
      if ((requested.messages?.length ?? 0) === 0) return sendJson(response, 200, loadRecord(requested.model, true));
      // Ollama fits the prompt into the context first: the script sees only the messages that survived.
      const context = fitChatContext(model, requested);
      chatContexts.push(context);
      if (context.error !== undefined) return sendJson(response, 400, { error: context.error });
      const chatRequest: ChatRequestBody = { ...requested, messages: context.messages };
      const turn = chatTurn;
      chatTurn += 1;
      let reply;
      try {
        const scripted = await nextReply(chat, chatRequest, turn);
        // A server that constrains replies to `format` could never send one that breaks it (only one cut at num_predict).
        const violation = constrainsFormat(options.version ?? '0.12.6') && scripted.fault === undefined && scripted.doneReason !== 'length' ? formatViolation(chatRequest.format, scripted.content ?? '') : undefined;
        if (violation !== undefined) throw new Error(`scripted Ollama: the scripted reply ${turn + 1} breaks the request's format, which a real Ollama enforces: ${violation}`);
        reply = limitReply(scripted, chatRequest);
        reply = { promptEvalCount: context.promptTokens, ...reply };
      } catch (error) {
        return sendJson(response, 500, { error: (error as Error).message });
      }
      // Ollama streams unless the request says `"stream": false`.
      const stream = chatRequest.stream !== false;
      const records = chatRecords(chatRequest, reply, stream);
      if (reply.fault !== undefined) return serveChatFault(response, reply.fault, records);
      if (!stream) return sendJson(response, 200, records[0]);
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      for (const [index, record] of records.entries()) {
        if (index > 0 && !(await pause(chunkDelayMs, response))) return;
        response.write(`${JSON.stringify(record)}\n`);
      }
      response.end();
    },
  };

  const server = createServer((incoming, response) => {
    void serve(incoming, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: `scripted Ollama: ${(error as Error).message}` });
      else response.destroy();
    });
  });

  async function serve(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(incoming.url ?? '/', 'http://127.0.0.1').pathname;
    const raw = await readBody(incoming);
    let body: unknown;
    let malformed = false;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      malformed = true;
      body = raw;
    }
    const recorded: RecordedRequest = { method: incoming.method ?? 'GET', path, body, headers: { ...incoming.headers } };
    requests.push(recorded);
    arrivals.emit('request', recorded);

    const delay = delays.get(path);
    if (delay !== undefined && !(await pause(delay, response))) return;
    const failure = failures.get(path);
    if (failure !== undefined) {
      if (failure.times !== undefined) {
        if (failure.times <= 1) failures.delete(path);
        else failures.set(path, { ...failure, times: failure.times - 1 });
      }
      return sendJson(response, failure.status, { error: failure.error });
    }
    if (malformed) return sendJson(response, 400, { error: 'invalid character in request body' });
    const handler = handlers[`${recorded.method} ${path}`];
    if (handler === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found');
      return;
    }
    await handler(recorded, response);
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const requestsTo = (path: string): RecordedRequest[] => requests.filter((request) => request.path === path);

  return {
    host: `http://127.0.0.1:${port}`,
    port,
    requests,
    chatContexts,
    requestsTo,
    waitForRequest(path, count = 1) {
      const arrived = requestsTo(path)[count - 1];
      if (arrived !== undefined) return Promise.resolve(arrived);
      return new Promise((resolve) => {
        const onRequest = (request: RecordedRequest): void => {
          const match = requestsTo(path)[count - 1];
          if (request.path !== path || match === undefined) return;
          arrivals.off('request', onRequest);
          resolve(match);
        };
        arrivals.on('request', onRequest);
      });
    },
    setDelay(path, milliseconds) {
      if (milliseconds === undefined) delays.delete(path);
      else delays.set(path, milliseconds);
    },
    setFailure(path, failure) {
      if (failure === undefined) failures.delete(path);
      else failures.set(path, failure);
    },
    setChat(script) {
      chat = script;
      chatTurn = 0;
    },
    holdLoads(gate) {
      loaded.holdLoads(gate);
    },
    unloadAll() {
      loaded = new LoadedModels();
    },
    async close() {
      const closed = once(server, 'close');
      server.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
