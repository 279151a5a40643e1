// `minions serve` as its own process (from source through tsx) on a free port of 127.0.0.1,
// for tests of the clients of a running server (`minions tasks`, `minions mcp`).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI entry the tests spawn (`node --import tsx <cliChild> <command> ...`). */
export const cliChild = fileURLToPath(new URL('./cli-child.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** A running `minions serve`. */
export interface ServeChild {
  child: ChildProcess;
  url: string;
  /** SIGTERM, then its exit code once it has exited. */
  stop(): Promise<number | null>;
}

/** Starts `minions serve --port 0 ...args`; resolves once it prints its address (it listens and has published `locks/server.json`). */
export function startServe(args: string[], env: NodeJS.ProcessEnv): Promise<ServeChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', cliChild, 'serve', '--port', '0', ...args], { cwd: projectRoot, env: { ...process.env, MINIONS_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (data: Buffer) => {
      text += data.toString();
      const match = /serving (http:\/\/\S+) /.exec(text);
      if (match?.[1]) resolve({ child, url: match[1], stop });
    });
    void exited.then((code) => reject(new Error(`minions serve exited with ${code} before listening`)));
  });
}
