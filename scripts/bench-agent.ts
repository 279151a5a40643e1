// The agent's deterministic overhead per task: prepare (git worktree add), context
// (rule files, retrieval, check discovery), deliver (stage, guardrails, commit, diff)
// and clean-up (worktree remove), plus the run's own bookkeeping (model lookup, branch
// name), on a dev corpus copied into a fresh git repository. Model time is excluded
// (a scripted Ollama answers at once) and so are the repository's own tests (the
// blueprint is the default one without checks and fix). Retrieval is a fixed answer
// here: the index's own latency is in the retrieval benchmark. Then the cost of the
// commands' sandbox: one short command bare, under today's `unshare --net` and under
// bubblewrap (the same process, so the ratios compare). And the context budget per
// scenario: the largest prompt sent against num_ctx (bench-agent-context.ts).
//   npm run bench:agent [-- --corpus fastify@5.9.0] [-- --tasks 5]
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAgentRunner, createBubblewrapSandbox, createLauncher, createUnshareSandbox, defaultBlueprint, resolveLimits, type CodeSearch } from '../agent/index.js';
import { runProcess } from '../platform/index.js';
import type { QueryResult } from '../schemas/index.js';
import { startScriptedOllama } from '../test/support/scripted-ollama.js';
import { benchContext, contextWorktrees } from './bench-agent-context.js';
import { ensurePackage } from './corpora.js';

const { values } = parseArgs({ options: { corpus: { type: 'string', default: 'fastify@5.9.0' }, tasks: { type: 'string', default: '5' }, commands: { type: 'string', default: '20' } } });
const tasks = Number(values.tasks);
const model = 'bench-coder:7b';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

async function makeRepository(corpus: string): Promise<{ base: string; root: string; files: number }> {
  const base = await mkdtemp(join(tmpdir(), 'minions-bench-agent-'));
  const root = join(base, 'repo');
  await cp(ensurePackage(corpus), root, { recursive: true });
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'add', '--all');
  git(root, '-c', 'user.name=bench', '-c', 'user.email=bench@localhost', 'commit', '--quiet', '-m', 'corpus');
  return { base, root, files: git(root, 'ls-files').split('\n').length };
}

/** What a real index would answer for the task: symbols of the routing code. */
function fixedSearch(): CodeSearch {
  const result = (path: string, startLine: number, endLine: number, symbol: string): QueryResult => ({ path, startLine, endLine, symbol, kind: 'function', language: 'javascript', score: 0.5, snippet: `function ${symbol} () {}` });
  const results = [result('lib/route.js', 1, 60, 'buildRouting'), result('lib/handle-request.js', 1, 40, 'handleRequest'), result('fastify.js', 1, 80, 'fastify'), result('lib/context.js', 1, 30, 'Context'), result('lib/reply.js', 1, 50, 'Reply')];
  return { search: async (_query, k) => results.slice(0, k) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Wall time of one command per launch (median of `count`), and the ratio to the bare command. */
async function benchSandbox(root: string, worktree: string, count: number): Promise<void> {
  const signal = new AbortController().signal;
  git(root, 'worktree', 'add', '--quiet', '--detach', worktree);
  const probe = await createBubblewrapSandbox().probe(signal);
  const network = await createUnshareSandbox().probe(signal);
  const bwrap = probe.available ? await (await createLauncher({ probe, networkPrefix: [], isolateNetwork: true, repoRoot: root, memoryCapBytes: 4 * 1024 ** 3, signal }))(worktree, []) : undefined;
  const launches: [string, readonly string[] | undefined][] = [['bare', []], ['unshare --net', network.isolated ? network.prefix : undefined], ['bwrap', bwrap?.prefix]];
  console.log(`\n| command (${count} runs each) | launch | median ms | x bare |`);
  console.log('| --- | --- | ---: | ---: |');
  for (const argv of [['true'], ['node', '-e', '0']]) {
    let bare = 0;
    for (const [name, prefix] of launches) {
      if (prefix === undefined) {
        console.log(`| ${argv.join(' ')} | ${name} | unavailable | |`);
        continue;
      }
      const samples: number[] = [];
      for (let run = 0; run < count; run += 1) {
        const started = performance.now();
        const result = await runProcess({ argv }, { cwd: worktree, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, prefix, signal, maxOutputCharacters: 4096 });
        if (result.exitCode !== 0) throw new Error(`${name} ${argv.join(' ')} failed: ${result.output}`);
        samples.push(performance.now() - started);
      }
      const time = median(samples);
      bare ||= time;
      console.log(`| ${argv.join(' ')} | ${name} | ${time.toFixed(1)} | ${(time / bare).toFixed(1)} |`);
    }
  }
  git(root, 'worktree', 'remove', '--force', worktree);
}

const { base, root, files } = await makeRepository(values.corpus);
const route = await readFile(join(root, 'lib/route.js'), 'utf8');
const firstLine = route.split('\n')[0] ?? '';
const ollama = await startScriptedOllama({ models: [{ name: model, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }] });
const limits = resolveLimits();
// Without checks (nor their baseline on the base), what the default blueprint routes to them goes to deliver.
const toDeliver = (routes: Readonly<Record<string, string>> | undefined): Record<string, string> => Object.fromEntries(Object.entries(routes ?? {}).map(([label, next]) => [label, next === 'checks' ? 'deliver' : next]));
const blueprint = { name: 'bench', nodes: defaultBlueprint(limits).nodes.filter((node) => !['baseline', 'checks', 'fix'].includes(node.name)).map((node) => ({ ...node, routes: toDeliver(node.routes) })) };
const runner = createAgentRunner({ ollamaHost: ollama.host, model, search: fixedSearch(), worktreesDir: join(base, 'worktrees'), blueprints: { bench: blueprint } });
const measured: Record<string, number[]> = { prepare: [], context: [], deliver: [], cleanup: [], bookkeeping: [], total: [] };
try {
  console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}; ${values.corpus}: ${files} tracked files; ${tasks} tasks\n`);
  for (let task = 0; task < tasks; task += 1) {
    ollama.setChat([
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'lib/route.js', search: `${firstLine}\n`, replace: `${firstLine}\n// bench task ${task}\n` } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: `Bench task ${task}.` } }] },
    ]);
    const nodes = new Map<string, number>();
    const result = await runner.run(
      { id: `bench${task}`, request: { repo: root, prompt: 'Document the routing module with a comment at the top of lib/route.js', blueprint: 'bench' }, root },
      { signal: new AbortController().signal, emit: (event) => {
        if (event.type === 'node-end') nodes.set(event.data.node, event.data.durationMs);
      } },
    );
    if (result.outcome !== 'succeeded') throw new Error(`task ${task} failed: ${result.reason}`);
    const deterministic = result.wallMs - (nodes.get('implement') ?? 0);
    const nodeSum = ['prepare', 'context', 'deliver', 'cleanup'].reduce((sum, name) => sum + (nodes.get(name) ?? 0), 0);
    for (const name of ['prepare', 'context', 'deliver', 'cleanup']) measured[name]?.push(nodes.get(name) ?? 0);
    measured.bookkeeping?.push(deterministic - nodeSum);
    measured.total?.push(deterministic);
  }
  console.log('| step | median ms | max ms |');
  console.log('| --- | ---: | ---: |');
  for (const [name, samples] of Object.entries(measured)) console.log(`| ${name} | ${Math.round(median(samples))} | ${Math.round(Math.max(...samples))} |`);
  const total = median(measured.total ?? []);
  console.log(`\nDeterministic overhead per task (median): ${(total / 1000).toFixed(2)} s (target < 2 s): ${total < 2000 ? 'met' : 'NOT met'}`);
  await benchContext({ root, worktreesDir: contextWorktrees(base), firstLine, search: fixedSearch(), blueprint });
  await benchSandbox(root, join(base, 'worktrees', 'sandbox'), Number(values.commands));
} finally {
  await ollama.close();
  await rm(base, { recursive: true, force: true });
}
