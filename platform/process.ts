// The one process runner: a command in its own process group with a timeout, an
// AbortSignal and capped output, whose whole group is killed when it ends (so a test
// runner's stray children die with it). Agent commands, checks, grep, git and the
// network-sandbox probe all start processes through it.
import { spawn } from 'node:child_process';
import { abortReason } from './abort.js';

/** How a finished command went. `exitCode` is null when a signal ended it or it never started. */
export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Combined stdout and stderr in arrival order, head and tail kept. */
  output: string;
  /** stdout and stderr apart, whole; empty unless `maxStreamCharacters` is set. */
  stdout: string;
  stderr: string;
  /** True when a stream outgrew `maxStreamCharacters` and the process was killed for it. */
  overflowed: boolean;
}

/** Options of `runProcess`. */
export interface RunProcessOptions {
  /** Defaults to the current directory. */
  cwd?: string;
  env: NodeJS.ProcessEnv;
  /** Wall time before the process group is killed; none when unset. */
  timeoutMs?: number;
  signal: AbortSignal;
  /** Characters of combined output kept (head and tail). */
  maxOutputCharacters: number;
  /** Also keep stdout and stderr apart and whole, each up to this many characters; past that the group is killed. */
  maxStreamCharacters?: number;
  /** Called once the process has started. */
  onStart?: (pid: number | null) => void;
  /** Words run before the command (the network sandbox's `unshare ...`); empty for none. */
  prefix?: readonly string[];
}

/** What a command is: an argv run as is, or a line for `sh -c` (repository-configured checks only). */
export type CommandLine = { argv: readonly string[] } | { shell: string };

/** Keeps the head and the tail of a long text (`limit` characters), where compilers and test runners put what matters. */
export function truncateMiddle(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const head = Math.floor(limit * 0.3);
  const tail = limit - head;
  return `${text.slice(0, head)}\n[... ${text.length - limit} characters cut ...]\n${text.slice(text.length - tail)}`;
}

/** Collects a process's output: combined and folded to stay bounded, and optionally each stream whole. */
class OutputCollector {
  private chunks: string[] = [];
  private size = 0;
  readonly streams = { stdout: '', stderr: '' };
  overflowed = false;

  constructor(
    private readonly maxCharacters: number,
    private readonly maxStreamCharacters: number | undefined,
  ) {}

  /** Adds text from one stream; false when that stream went over its cap. */
  add(stream: 'stdout' | 'stderr', text: string): boolean {
    this.chunks.push(text);
    this.size += text.length;
    // Keep memory bounded on chatty commands: fold early output into head and tail.
    if (this.size > this.maxCharacters * 8) {
      const folded = truncateMiddle(this.chunks.join(''), this.maxCharacters * 2);
      this.chunks = [folded];
      this.size = folded.length;
    }
    if (this.maxStreamCharacters === undefined) return true;
    // Past the cap the group is being killed; what still arrives is not kept.
    if (this.overflowed) return false;
    this.streams[stream] += text;
    if (this.streams[stream].length <= this.maxStreamCharacters) return true;
    this.overflowed = true;
    return false;
  }

  combined(extra: string): string {
    return truncateMiddle(this.chunks.join('') + extra, this.maxCharacters);
  }
}

/** Kills a detached child's whole process group (its own children too). */
function killProcessGroup(pid: number | null): void {
  if (pid === null) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

/** Runs a command to its end (or timeout); rejects only when `signal` aborts, after the process group is dead. */
export function runProcess(command: CommandLine, options: RunProcessOptions): Promise<ProcessResult> {
  if (options.signal.aborted) return Promise.reject(abortReason(options.signal));
  const started = performance.now();
  const argv = [...(options.prefix ?? []), ...('argv' in command ? command.argv : ['/bin/sh', '-c', command.shell])];
  const [file, args] = [argv[0] ?? '', argv.slice(1)];
  const child = spawn(file, args, { cwd: options.cwd ?? process.cwd(), env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? null;
  options.onStart?.(pid);
  const killGroup = (): void => killProcessGroup(pid);
  const output = new OutputCollector(options.maxOutputCharacters, options.maxStreamCharacters);
  for (const stream of ['stdout', 'stderr'] as const) {
    // Decoded per stream, so a character split between two reads stays whole.
    child[stream].setEncoding('utf8');
    child[stream].on('data', (text: string) => {
      if (!output.add(stream, text)) killGroup();
    });
  }
  let timedOut = false;
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killGroup();
        }, options.timeoutMs);
  options.signal.addEventListener('abort', killGroup, { once: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: string | null, failure = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', killGroup);
      killGroup();
      if (options.signal.aborted) return reject(abortReason(options.signal));
      const timeout = timedOut ? `\n[killed after ${Math.round((options.timeoutMs ?? 0) / 1000)} s timeout]` : '';
      const durationMs = Math.round(performance.now() - started);
      const { stdout, stderr } = output.streams;
      resolve({ exitCode, signal, timedOut, durationMs, output: output.combined(failure + timeout), stdout, stderr: stderr + failure, overflowed: output.overflowed });
    };
    child.once('error', (error) => finish(null, null, `${error.message}\n`));
    child.once('close', (code, signal) => finish(code, signal));
  });
}

/** Shows an argv as a shell would need it typed. */
export function formatCommand(command: CommandLine): string {
  if ('shell' in command) return command.shell;
  return command.argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
