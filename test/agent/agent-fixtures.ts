// Test support for the agent: small git repositories made in temp folders, a scripted
// Ollama with a tool-capable and a text-only chat model, code-search doubles, and a
// helper that runs one task and collects its events.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { createAgentRunner, type AgentRunnerOptions, type CodeSearch } from '../../agent/index.js';
import { AgentEvent, MinionsError, type AgentEventType, type QueryResult, type TaskRequest, type TaskResult } from '../../schemas/index.js';
import { startScriptedOllama, type ChatScript, type ScriptedOllama } from '../support/scripted-ollama.js';

/** A chat model with native tools, and one without (it must get its tools in the prompt). */
export const toolModel = 'coder:7b';
export const textModel = 'texty:1b';

/** A scripted Ollama serving both chat models. */
export function startAgentOllama(chat: ChatScript = []): Promise<ScriptedOllama> {
  return startScriptedOllama({
    models: [
      { name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] },
      { name: textModel, architecture: 'llama', contextLength: 8192, capabilities: ['completion'] },
    ],
    chat,
  });
}

/** Runs git in a folder and returns its trimmed output. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** A temp folder holding a repository with `files` committed on `main`, plus a worktrees folder beside it. */
export interface FixtureRepo {
  root: string;
  worktrees: string;
  dispose(): Promise<void>;
}

/** Makes a repository from a map of paths to contents. */
export async function makeRepo(files: Record<string, string>): Promise<FixtureRepo> {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'minions-agent-')));
  const root = join(base, 'repo');
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  git(root, 'init', '--quiet', '--initial-branch=main');
  git(root, 'config', 'user.name', 'Fixture');
  git(root, 'config', 'user.email', 'fixture@example.test');
  git(root, 'add', '--all');
  git(root, 'commit', '--quiet', '-m', 'initial');
  return { root, worktrees: join(base, 'worktrees'), dispose: () => rm(base, { recursive: true, force: true }) };
}

/** A tiny Node package with a bug in `add`, tested by `node --test` (through `npm test`). */
export const calculatorFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'calculator', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'src/math.js': 'export function add(a, b) {\n  return a - b;\n}\n\nexport function multiply(a, b) {\n  return a * b;\n}\n',
  'test/math.test.js': "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { add, multiply } from '../src/math.js';\n\ntest('add', () => assert.equal(add(2, 3), 5));\ntest('multiply', () => assert.equal(multiply(2, 3), 6));\n",
  'AGENTS.md': '# Agents\nUse ES modules and two-space indentation.\n',
  'docs/AGENTS.md': '# Docs agents\nWrite in British English.\n',
};

/** A CodeSearch double that records its calls and answers from a fixed list. */
export class RecordingSearch implements CodeSearch {
  readonly calls: { query: string; k: number; repo: string | undefined }[] = [];
  constructor(private readonly results: QueryResult[] = []) {}
  async search(query: string, k: number, scope?: { repo: string; signal?: AbortSignal }): Promise<QueryResult[]> {
    this.calls.push({ query, k, repo: scope?.repo });
    return this.results.slice(0, k);
  }
}

/** A CodeSearch for a repository without an index, failing the way the server's wiring does. */
export const noIndexSearch: CodeSearch = {
  async search() {
    throw new MinionsError('index-missing', 'the repository has no index yet');
  },
};

/** One recorded agent event. */
export type RecordedEvent = AgentEvent;

/** Runs one task with a fresh runner; returns the result (or the error) and every event. */
export async function runTask(
  repo: FixtureRepo,
  ollama: { host: string },
  request: Partial<TaskRequest> & { prompt: string },
  options: Partial<AgentRunnerOptions> & { signal?: AbortSignal; onEvent?: (event: RecordedEvent) => void } = {},
): Promise<{ result?: TaskResult; error?: unknown; events: RecordedEvent[] }> {
  const { signal, onEvent, ...runnerOptions } = options;
  // Retries of model faults wait no real time in tests (a test that looks at the waits passes its own).
  const modelRetry = { sleep: async () => undefined, random: () => 0.5, ...runnerOptions.modelRetry };
  const runner = createAgentRunner({ ollamaHost: ollama.host, model: toolModel, search: new RecordingSearch(), worktreesDir: repo.worktrees, commandNetwork: 'isolated-if-available', ...runnerOptions, modelRetry });
  const events: RecordedEvent[] = [];
  const invalid: string[] = [];
  const emit = (event: AgentEvent): void => {
    // Every event of every scripted run is checked against the schema the server validates with.
    for (const error of Value.Errors(AgentEvent, event)) invalid.push(`${event.type} ${error.path}: ${error.message}`);
    events.push(event);
    onEvent?.(event);
  };
  let outcome: { result?: TaskResult; error?: unknown };
  try {
    outcome = { result: await runner.run({ id: 'task1', request: { repo: repo.root, ...request }, root: repo.root }, { signal: signal ?? new AbortController().signal, emit }) };
  } catch (error) {
    outcome = { error };
  }
  assert.deepEqual(invalid, [], 'every event the agent emitted is an AgentEvent');
  return { ...outcome, events };
}

/** The data of the events of one type, in order. */
export function eventsOf(events: readonly RecordedEvent[], type: AgentEventType): Record<string, unknown>[] {
  return events.filter((event) => event.type === type).map((event): Record<string, unknown> => event.data);
}
