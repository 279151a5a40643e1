// The context budget per scenario, for `npm run bench:agent`: tasks on the corpus whose
// scripted model reads several large files under a Modelfile num_ctx of 32k, 8k and 4k.
// For each: the largest prompt the agent sent by its own calibrated estimate, by the
// scripted Ollama's count (prompt_eval_count of what it kept) and as rendered (what it
// would have needed), against num_ctx; the messages Ollama had to drop (0 when the
// budget holds) and the trims the agent made.
import { join } from 'node:path';
import type { AgentRunnerOptions, Blueprint } from '../agent/index.js';
import { createAgentRunner } from '../agent/index.js';
import type { AgentEvent } from '../schemas/index.js';
import { startScriptedOllama, type ChatReply } from '../test/support/scripted-ollama.js';

/** A scenario: a Modelfile num_ctx and the files the scripted model reads before its edit. */
interface ContextScenario {
  name: string;
  numCtx: number;
  reads: readonly string[];
}

const largeReads = ['fastify.js', 'lib/reply.js', 'lib/route.js', 'lib/handle-request.js', 'lib/context.js'];
const scenarios: ContextScenario[] = [
  { name: 'one edit', numCtx: 32_768, reads: [] },
  { name: 'five large reads', numCtx: 32_768, reads: largeReads },
  { name: 'five large reads', numCtx: 8192, reads: largeReads },
  { name: 'five large reads', numCtx: 4096, reads: largeReads },
];

/** What the bench needs to run a task: the corpus repository, its first line, and the runner's shared options. */
export interface ContextBenchSetup {
  root: string;
  worktreesDir: string;
  firstLine: string;
  search: AgentRunnerOptions['search'];
  blueprint: Blueprint;
}

/** Runs each scenario once and prints one table row per scenario. */
export async function benchContext(setup: ContextBenchSetup): Promise<void> {
  const models = scenarios.map((scenario) => ({ name: `bench-${scenario.numCtx}:7b`, architecture: 'qwen2', contextLength: 32_768, parameters: `num_ctx ${scenario.numCtx}`, capabilities: ['completion', 'tools'] }));
  const ollama = await startScriptedOllama({ models });
  console.log('\n| scenario | num_ctx | turns | max prompt, agent estimate | max prompt_eval_count | max rendered | dropped by Ollama | context trims | outcome |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  try {
    for (const [index, scenario] of scenarios.entries()) {
      const steps: ChatReply[] = [
        ...scenario.reads.map((path): ChatReply => ({ toolCalls: [{ name: 'read_file', arguments: { path } }] })),
        { toolCalls: [{ name: 'edit_file', arguments: { path: 'lib/route.js', search: `${setup.firstLine}\n`, replace: `${setup.firstLine}\n// context bench ${index}\n` } }] },
        { toolCalls: [{ name: 'finish', arguments: { summary: `Context bench ${index}.` } }] },
      ];
      ollama.setChat(steps);
      const before = ollama.chatContexts.length;
      const runner = createAgentRunner({ ollamaHost: ollama.host, model: `bench-${scenario.numCtx}:7b`, search: setup.search, worktreesDir: setup.worktreesDir, blueprints: { bench: setup.blueprint } });
      const events: AgentEvent[] = [];
      const result = await runner.run({ id: `context${index}`, request: { repo: setup.root, prompt: 'Document the routing module with a comment at the top of lib/route.js', blueprint: 'bench' }, root: setup.root }, { signal: new AbortController().signal, emit: (event) => events.push(event) });
      const contexts = ollama.chatContexts.slice(before);
      const calls = events.flatMap((event) => (event.type === 'model-call' ? [event.data] : []));
      const trims = events.filter((event) => event.type === 'context-trim').length;
      const max = (values: number[]): number => Math.max(0, ...values);
      console.log(
        `| ${scenario.name} | ${scenario.numCtx} | ${calls.length} | ${max(calls.map((call) => call.estimatedTokens ?? 0))} | ${max(calls.map((call) => call.inputTokens))} | ${max(contexts.map((context) => context.renderedTokens))} | ${contexts.reduce((sum, context) => sum + context.dropped, 0)} | ${trims} | ${result.outcome} |`,
      );
    }
  } finally {
    await ollama.close();
  }
}

/** The worktrees folder of the context scenarios, beside the overhead bench's. */
export function contextWorktrees(base: string): string {
  return join(base, 'worktrees-context');
}
