import type { Readable, Writable } from 'node:stream';

/** What a command may touch of the process: its streams, folder and cancellation. Tests pass their own. */
export interface CommandIo {
  stdout: Writable;
  stderr: Writable;
  cwd: string;
  /** The environment configuration is read from. */
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Standard input, for commands that read a protocol from it (`minions mcp`); the process's when absent. */
  stdin?: Readable | undefined;
}
