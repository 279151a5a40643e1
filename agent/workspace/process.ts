// Runs one command in its own process group with a timeout and an AbortSignal, and
// kills the whole group when it ends (so a test runner's stray children die with it).
import { spawn } from 'node:child_process';
import { truncateMiddle } from '../limits.js';

/** How a finished command went. `exitCode` is null when a signal ended it. */
export interface ProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** Combined stdout and stderr, head and tail kept. */
  output: string;
}

/** Options of `runProcess`. */
export interface RunProcessOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal: AbortSignal;
  maxOutputCharacters: number;
  /** Called once the process has started. */
  onStart?: (pid: number | null) => void;
  /** Words run before the command (the network sandbox's `unshare ...`); empty for none. */
  prefix?: readonly string[];
}

/** What a command is: an argv run as is, or a line for `sh -c` (repository-configured checks only). */
export type CommandLine = { argv: readonly string[] } | { shell: string };

/** Variables a command keeps from the parent environment; everything else (tokens, keys, proxies) is dropped. */
const keptVariables = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'SHELL', 'GOPATH', 'GOROOT', 'GOCACHE', 'GOMODCACHE', 'CARGO_HOME', 'RUSTUP_HOME', 'PYENV_ROOT', 'VIRTUAL_ENV', 'NVM_DIR'];

/** Opt-outs of every tool that phones home by default (none of them is needed to build or test). */
export const telemetryOff: Readonly<Record<string, string>> = {
  DO_NOT_TRACK: '1',
  HF_HUB_OFFLINE: '1',
  HF_HUB_DISABLE_TELEMETRY: '1',
  ORT_DISABLE_TELEMETRY: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  GATSBY_TELEMETRY_DISABLED: '1',
  NUXT_TELEMETRY_DISABLED: '1',
  ASTRO_TELEMETRY_DISABLED: '1',
  STORYBOOK_DISABLE_TELEMETRY: '1',
  TURBO_TELEMETRY_DISABLED: '1',
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  AZURE_CORE_COLLECT_TELEMETRY: '0',
  SAM_CLI_TELEMETRY: '0',
  AWS_EC2_METADATA_DISABLED: 'true',
  CHECKPOINT_DISABLE: '1',
  SCARF_ANALYTICS: 'false',
  YARN_ENABLE_TELEMETRY: '0',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
};

/**
 * The environment agent commands get: a short allow-list of the parent's variables,
 * plus settings that keep package managers offline and output plain.
 */
export function scrubbedEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of keptVariables) if (parent[name] !== undefined) env[name] = parent[name];
  return {
    ...env,
    CI: '1',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    GOFLAGS: '-mod=mod',
    GOPROXY: 'off',
    CARGO_NET_OFFLINE: 'true',
    PIP_NO_INDEX: '1',
    ...telemetryOff,
  };
}

/** Runs a command to its end (or timeout); rejects only when `signal` aborts, after the process group is dead. */
export function runProcess(command: CommandLine, options: RunProcessOptions): Promise<ProcessResult> {
  options.signal.throwIfAborted();
  const started = performance.now();
  const argv = [...(options.prefix ?? []), ...('argv' in command ? command.argv : ['/bin/sh', '-c', command.shell])];
  const [file, args] = [argv[0] ?? '', argv.slice(1)];
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? null;
  options.onStart?.(pid);
  const chunks: string[] = [];
  let size = 0;
  const collect = (data: Buffer): void => {
    chunks.push(data.toString('utf8'));
    size += data.length;
    // Keep memory bounded on chatty commands: fold early output into head and tail.
    if (size > options.maxOutputCharacters * 8) {
      const folded = truncateMiddle(chunks.join(''), options.maxOutputCharacters * 2);
      chunks.length = 0;
      chunks.push(folded);
      size = folded.length;
    }
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let timedOut = false;
  const killGroup = (): void => {
    if (pid === null) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group is already gone.
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs);
  const onAbort = (): void => killGroup();
  options.signal.addEventListener('abort', onAbort, { once: true });
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (exitCode: number | null, signal: string | null, extra = ''): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      killGroup();
      if (options.signal.aborted) return reject(options.signal.reason instanceof Error ? options.signal.reason : new DOMException('The operation was aborted', 'AbortError'));
      const timeout = timedOut ? `\n[killed after ${Math.round(options.timeoutMs / 1000)} s timeout]` : '';
      resolve({ exitCode, signal, timedOut, durationMs: Math.round(performance.now() - started), output: truncateMiddle(chunks.join('') + extra + timeout, options.maxOutputCharacters) });
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
