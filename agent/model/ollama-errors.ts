// Ollama failures in words a user can act on: not reachable, model not pulled,
// timed out while loading, or an HTTP error from the server.
import { MinionsError, describeCause } from '../../schemas/index.js';

/** A fetch that always carries `signal` (the client passes none on some calls). */
export function withSignal(baseFetch: typeof fetch, signal: AbortSignal): typeof fetch {
  return (input, init) => baseFetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal });
}

/** The MinionsError for a failed client call. */
export function describeOllamaError(error: unknown, host: string, model: string): MinionsError {
  if (error instanceof MinionsError) return error;
  const status = (error as { status_code?: unknown }).status_code;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ResponseError' && typeof status === 'number') {
    if (status === 404) {
      return new MinionsError('model-unavailable', `Model ${model} is not pulled in Ollama at ${host}; run \`ollama pull ${model}\` (or choose another with --model).`, { cause: error });
    }
    return new MinionsError('model-unavailable', `Ollama at ${host} failed with model ${model} (HTTP ${status}): ${message}`, { cause: error });
  }
  if (error instanceof SyntaxError) {
    return new MinionsError('model-unavailable', `The server at ${host} does not answer like Ollama (${message}); check OLLAMA_HOST.`, { cause: error });
  }
  return new MinionsError('model-unavailable', `Ollama is not reachable at ${host}: ${describeCause(error)}. Start it with \`ollama serve\` or set OLLAMA_HOST.`, { cause: error });
}

/** The error for a request that outlived its timeout. */
export function timeoutError(host: string, model: string, milliseconds: number, phase: 'metadata' | 'load' | 'stream'): MinionsError {
  const seconds = milliseconds < 10_000 ? (milliseconds / 1000).toFixed(1) : String(Math.round(milliseconds / 1000));
  const what =
    phase === 'metadata'
      ? `did not describe model ${model} within ${seconds} s`
      : phase === 'load'
        ? `sent nothing for ${seconds} s while loading model ${model} and reading the prompt (a large model on a slow disk or CPU can need longer; raise the load timeout)`
        : `stopped streaming from model ${model} for ${seconds} s`;
  return new MinionsError('model-unavailable', `Ollama at ${host} ${what}.`);
}
