// What the sandbox probes share: a probe command run with PATH only, and its answer
// cached for the runner's life (a failed probe is retried by the next run).
import { runProcess } from '../../platform/index.js';

/** Runs a probe command with only PATH; its stdout, or an Error with the first line of what went wrong. */
export async function probeCommand(argv: readonly string[], signal: AbortSignal): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const result = await runProcess({ argv }, { env, signal, timeoutMs: 10_000, maxOutputCharacters: 4096, maxStreamCharacters: 64 * 1024 });
  if (result.exitCode === 0) return result.stdout;
  const why = result.stderr.trim() || (result.timedOut ? 'timed out after 10 s' : `exit code ${result.exitCode ?? result.signal ?? '?'}`);
  throw new Error(why.split('\n')[0]);
}

/** A probe whose answer is computed once and shared; a probe that throws (an abort) is run again next time. */
export function cachedProbe<T>(probe: (signal: AbortSignal) => Promise<T>): { probe(signal: AbortSignal): Promise<T> } {
  let cached: Promise<T> | undefined;
  return {
    probe(signal) {
      cached ??= probe(signal).catch((error: unknown) => {
        cached = undefined;
        throw error;
      });
      return cached;
    },
  };
}
