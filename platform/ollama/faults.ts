// What went wrong when a running Ollama failed a request, told apart by what it sends:
// a 503 when its queue is full, a 500 when the model runner process died or when its
// own tool-call parser choked on the model's output, an `{"error": ...}` line in the
// middle of a 200 stream, or a connection cut while the reply streamed. The first
// five pass (the next attempt usually works); a missing model, a bad request (a prompt
// over the context among them), a timeout or a cancellation do not.
import { MinionsError } from '../../schemas/index.js';
import { describeCause } from '../abort.js';

/** The kinds of failure a request to a running Ollama can end in. */
export type OllamaFaultKind =
  | 'busy'
  | 'runner-crashed'
  | 'tool-call-parse'
  | 'stream-error'
  | 'connection-lost'
  | 'connection-refused'
  | 'rejected';

/** One classified failure: its kind, whether another attempt may succeed, and what Ollama said. */
export interface OllamaFault {
  kind: OllamaFaultKind;
  transient: boolean;
  /** Ollama's own words (or the socket's), shortened to one line. */
  detail: string;
}

/** Where a request was when it failed: before any answer, or after a 200 started streaming. */
export type RequestPhase = 'request' | 'stream';

/** How Ollama reports a runner that died: `llama runner process has terminated: exit status 2`, `model runner has unexpectedly stopped, ...`. */
const runnerCrash = /runner process has terminated|runner has unexpectedly stopped|runner process no longer running|llama runner terminated/i;
/** Older servers answered a full queue or runner with a 500: `unexpected server status: llm busy - no slots available`. */
const busyWords = /server busy|no slots available/i;
/** Ollama's tool-call parser failing on the model's output: `error parsing tool call: raw='...', err=...`. */
const toolCallParse = /error parsing tool call/i;
/** Socket codes and undici messages of a connection cut after it was made. */
const cutCodes = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
const cutMessages = /other side closed|socket hang up|terminated|Did not receive done or success response in stream/i;

/**
 * Classifies the error of a chat (or load) request to an Ollama that answered before,
 * or undefined for an error that is not Ollama's (a cancellation, a timeout, a bug).
 */
export function classifyOllamaFault(error: unknown, phase: RequestPhase): OllamaFault | undefined {
  // A MinionsError is already worded (a watchdog timeout): a model that did not load in 10 minutes will not in 3 tries.
  if (!(error instanceof Error) || error instanceof MinionsError || error.name === 'AbortError' || error.name === 'TimeoutError') return undefined;
  const detail = oneLine(error.message);
  const status = (error as { status_code?: unknown }).status_code;
  if (error.name === 'ResponseError' && typeof status === 'number') {
    if (status === 503 || (status >= 500 && busyWords.test(detail))) return { kind: 'busy', transient: true, detail: `HTTP ${status}: ${detail}` };
    if (status >= 500 && runnerCrash.test(detail)) return { kind: 'runner-crashed', transient: true, detail };
    if (status >= 500 && toolCallParse.test(detail)) return { kind: 'tool-call-parse', transient: true, detail };
    return { kind: 'rejected', transient: false, detail: `HTTP ${status}: ${detail}` };
  }
  const codes = causeCodes(error);
  if (codes.includes('ECONNREFUSED')) return { kind: 'connection-refused', transient: true, detail: oneLine(describeCause(error)) };
  if (codes.some((code) => cutCodes.has(code)) || (error instanceof TypeError && cutMessages.test(describeCause(error))) || cutMessages.test(error.message)) {
    return { kind: 'connection-lost', transient: true, detail: oneLine(describeCause(error)) };
  }
  // The client turns an `{"error": ...}` line of a 200 stream into a plain Error with Ollama's words.
  if (phase === 'stream' && error.name === 'Error') {
    if (runnerCrash.test(detail)) return { kind: 'runner-crashed', transient: true, detail };
    if (toolCallParse.test(detail)) return { kind: 'tool-call-parse', transient: true, detail };
    return { kind: 'stream-error', transient: true, detail };
  }
  return undefined;
}

/**
 * The MinionsError for a failed request to a running Ollama, worded for what happened
 * (never "start it with ollama serve": it was running), with the attempts made.
 */
export function describeOllamaFault(fault: OllamaFault, host: string, model: string, attempts: number): MinionsError {
  const tried = attempts > 1 ? `; gave up after ${attempts} attempts` : '';
  const what: Record<OllamaFaultKind, string> = {
    busy: `Ollama at ${host} was too busy to take the request for ${model} (${fault.detail})${tried}. Other clients fill its queue; raise OLLAMA_MAX_QUEUE or OLLAMA_NUM_PARALLEL, or run fewer tasks at once.`,
    'runner-crashed': `Ollama's model runner crashed while running ${model} at ${host} (${fault.detail})${tried}. The model may need more memory than is free; the Ollama server log says why.`,
    'tool-call-parse': `Ollama at ${host} could not parse a tool call that ${model} wrote (${shorten(fault.detail, 300)})${tried}.`,
    'stream-error': `Ollama at ${host} reported an error in the middle of a reply from ${model}: ${fault.detail}${tried}.`,
    'connection-lost': `The connection to Ollama at ${host} was cut while ${model} was answering (${fault.detail})${tried}. Ollama may have been restarted or stopped.`,
    'connection-refused': `Ollama at ${host} stopped accepting connections during the run (${fault.detail})${tried}; it was running when the run started, so it was stopped or restarted.`,
    rejected: `Ollama at ${host} failed with model ${model} (${fault.detail})${tried}.`,
  };
  return new MinionsError('model-unavailable', what[fault.kind]);
}

/**
 * The error of a request to an Ollama that was running when the run started and failed
 * in a way `classifyOllamaFault` does not know: an HTTP answer or a server that does not
 * speak Ollama are worded by `describe` (the connection's), anything else for what it is,
 * never as "not reachable, start it" (it was reachable).
 */
export function describeRunningOllamaError(error: unknown, host: string, model: string, describe: (error: unknown) => MinionsError): MinionsError {
  if (error instanceof MinionsError || (error instanceof Error && (error.name === 'ResponseError' || error instanceof SyntaxError))) return describe(error);
  return new MinionsError('model-unavailable', `A request to model ${model} in Ollama at ${host} failed: ${oneLine(describeCause(error))}.`, { cause: error });
}

/** The error codes along an error's cause chain (`ECONNRESET`, `UND_ERR_SOCKET`, ...). */
function causeCodes(error: Error): string[] {
  const codes: string[] = [];
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

function oneLine(text: string): string {
  return shorten(text.replace(/\s+/g, ' ').trim(), 500);
}

function shorten(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
