import { PassThrough } from 'node:stream';
import { main } from '../../server/index.js';

/** Runs the CLI in-process with its own streams and environment, and captures what it prints. */
export async function runCli(argv: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (data: Buffer) => out.push(data));
  stderr.on('data', (data: Buffer) => err.push(data));
  const code = await main(argv, { stdout, stderr, cwd, env, signal: new AbortController().signal });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
