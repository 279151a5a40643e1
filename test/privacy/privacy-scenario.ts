// The privacy proof's scenario, run by privacy-proof.test.ts in a process of its own
// (inside a network namespace, under strace): index, query and a full scripted task
// through the CLI in privacy mode (the default), against the scripted Ollama on
// 127.0.0.1. Prints one JSON line with the exit codes.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../server/cli/main.js';
import { calculatorFiles, makeRepo, startAgentOllama, toolModel } from '../agent/agent-fixtures.js';

const ollama = await startAgentOllama([
  { toolCalls: [{ name: 'search_code', arguments: { query: 'add two numbers' } }] },
  { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
  { toolCalls: [{ name: 'run_command', arguments: { command: 'npm test' } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
]);
const repo = await makeRepo(calculatorFiles);
const env = { PATH: process.env.PATH, HOME: process.env.HOME, MINIONS_DATA_DIR: join(await mkdtemp(join(tmpdir(), 'minions-privacy-')), 'data'), OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, MINIONS_CONNECT_LOG: process.env.MINIONS_CONNECT_LOG };
const codes: Record<string, number> = {};
let output = '';
for (const [name, argv] of [['index', ['index', repo.root]], ['query', ['query', repo.root, 'add two numbers', '--json']], ['run', ['run', '--repo', repo.root, 'Fix add in src/math.js', '--json']]] as const) {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  codes[name] = await main([...argv], { stdout: stream, stderr: stream, cwd: repo.root, env, signal: new AbortController().signal });
}
await ollama.close();
await repo.dispose();
process.stdout.write(`${JSON.stringify({ codes, isolated: /"isolated": ?true|network of commands: none/.test(output) || output.includes('network namespace'), output: output.slice(-4000) })}\n`);
