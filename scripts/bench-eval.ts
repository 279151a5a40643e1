// What `minions eval` costs besides the model: per run, the fresh copy (npm tarball from
// the cache, git init and commit), the agent's deterministic work (worktree, context,
// baseline and checks, deliver, clean-up) and the hidden verification under bubblewrap;
// and what indexing each copy adds (`--index full` with the default embedder, shared by
// the runs) against `--index none`. A scripted Ollama answers at once (one new file, then
// finish), so model time is excluded. The modes run interleaved, `--rounds` times each.
//   npm run bench:eval [-- --suite eval/starter/suite.json] [-- --parallel 2] [-- --rounds 2]
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EvalRun } from '../schemas/index.js';
import { loadConfig } from '../server/config.js';
import { runSuite, type EvalIndexMode } from '../server/eval/run-suite.js';
import { loadSuite } from '../server/eval/suite.js';
import { createVerificationSandbox } from '../server/eval/verify.js';
import { configuredEmbedder } from '../server/runtime.js';
import { startScriptedOllama } from '../test/support/scripted-ollama.js';

const { values } = parseArgs({ options: { suite: { type: 'string', default: 'eval/starter/suite.json' }, parallel: { type: 'string', default: '2' }, rounds: { type: 'string', default: '2' } } });
const model = 'bench-coder:7b';
const signal = new AbortController().signal;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const ollama = await startScriptedOllama({
  models: [{ name: model, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }],
  chat: (request) => {
    const turns = (request.messages ?? []).filter((message) => message.role === 'assistant').length;
    return turns === 0 ? { toolCalls: [{ name: 'create_file', arguments: { path: 'NOTES.md', content: 'Looked at the bug.\n' } }] } : { toolCalls: [{ name: 'finish', arguments: { summary: 'Notes.' } }] };
  },
});
const env = { ...process.env, OLLAMA_HOST: ollama.host };
const config = loadConfig(env, {}, process.cwd());
const suite = await loadSuite(values.suite);
const sandbox = await createVerificationSandbox({ allowUnsandboxed: false, memoryCapBytes: 4 * 1024 ** 3, signal });
const embedder = configuredEmbedder(config);
const workDir = await mkdtemp(join(tmpdir(), 'minions-bench-eval-'));
try {
  const warm = performance.now();
  await (await embedder.get(signal)).embed(['warm up'], { signal });
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; ${suite.suite.tasks.length} tasks, ${values.parallel} at once; embedder ready in ${Math.round(performance.now() - warm)} ms\n`);
  const measured = new Map<EvalIndexMode, { suite: number[]; runs: EvalRun[] }>([['none', { suite: [], runs: [] }], ['full', { suite: [], runs: [] }]]);
  for (let round = 0; round < Number(values.rounds); round += 1) {
    for (const index of ['none', 'full'] as const) {
      const started = performance.now();
      const runs = await runSuite({ suite, models: [model], parallel: Number(values.parallel), index, embedder, env, config: {}, cwd: process.cwd(), sandbox, workDir, cacheDir: join(config.dataDir, 'eval-cache'), signal });
      measured.get(index)?.suite.push(performance.now() - started);
      measured.get(index)?.runs.push(...runs);
    }
  }
  console.log('| index | suite wall s (median) | per run: agent ms (median) | verification ms (median) | runs the agent delivered |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [index, { suite: walls, runs }] of measured) {
    const delivered = runs.filter((run) => run.commit !== null).length;
    console.log(`| ${index} | ${(median(walls) / 1000).toFixed(1)} | ${Math.round(median(runs.map((run) => run.wallMs)))} | ${Math.round(median(runs.map((run) => run.verification.durationMs)))} | ${delivered}/${runs.length} |`);
  }
} finally {
  await embedder.close();
  await ollama.close();
  await rm(workDir, { recursive: true, force: true });
}
