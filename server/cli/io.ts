import type { Writable } from 'node:stream';

/** What a command may touch of the process: its streams, folder and cancellation. Tests pass their own. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  /** The environment configuration is read from. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}
