// The MCP tools: one table of name, description, input schema and handler. The input
// schemas are the TypeBox schemas the HTTP API validates the same requests with, so a
// tool call and a request are checked (and refused) alike.
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { ContextRequest, IdParams, MinionsError, QueryRequest, RepoMapRequest, TaskRequest } from '../../schemas/index.js';
import type { McpOperations } from './operations.js';

/** Hints for clients (MCP tool annotations): whether a tool only reads. */
interface ToolHints {
  readOnlyHint: boolean;
  openWorldHint: boolean;
}

/** One tool: what it is called, what a model reads about it, what it takes and does. */
export interface McpTool {
  name: string;
  title: string;
  description: string;
  input: TObject;
  annotations: ToolHints;
  /** The optional operation the tool needs: it is offered only where the operations have it. */
  requires?: 'symbols' | 'repoMap' | 'context';
  /** Runs with arguments already checked against `input`; the value is sent back as JSON text. */
  run(operations: McpOperations, input: unknown, signal: AbortSignal): Promise<unknown>;
}

/** Keeps each tool's handler typed by its own schema. */
function tool<S extends TObject>(definition: Omit<McpTool, 'run' | 'input'> & { input: S; run(operations: McpOperations, input: Static<S>, signal: AbortSignal): Promise<unknown> }): McpTool {
  return definition as McpTool;
}

const reads: ToolHints = { readOnlyHint: true, openWorldHint: false };
const NoArguments = Type.Object({}, { additionalProperties: false });
const repo = Type.String({ minLength: 1, maxLength: 4096, description: 'the absolute path of the repository root, or its id from list_repositories' });

/** `find_definition` and `find_references`: a name in a repository, and how many references at most. */
const SymbolArguments = Type.Object(
  {
    repo,
    name: Type.String({ minLength: 1, maxLength: 256, pattern: '\\S', description: 'the identifier; a qualified name (`Ledger.settle`) also matches its last segment' }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'most references listed (default 50)' })),
  },
  { additionalProperties: false },
);

/** `repo_map`: the repository and the map request, whose budget defaults to `DEFAULT_MAP_TOKENS`. */
const RepoMapArguments = Type.Composite([Type.Object({ repo }), Type.Omit(RepoMapRequest, ['budgetTokens']), Type.Object({ budgetTokens: Type.Optional(RepoMapRequest.properties.budgetTokens) })], { additionalProperties: false });

/** The map's budget when a call names none: an outline a model can read at a glance. */
export const DEFAULT_MAP_TOKENS = 1024;

/** An optional operation, or the error a tool gives where it is missing (never listed there, so only a stale client sees it). */
function needed<T>(operation: T | undefined, what: string): T {
  if (operation === undefined) throw new MinionsError('agent-unavailable', `${what} is not available here.`);
  return operation;
}

/** The tools every minions MCP server offers, in the order they are listed. */
export const mcpTools: readonly McpTool[] = [
  tool({
    name: 'search_code',
    title: 'Search code',
    description:
      'Semantic and keyword search over an indexed repository: the best matching symbols (functions, classes, methods) with path, line range and snippet. ' +
      '`repo` is the absolute path of the repository root or its id from list_repositories; `mode` is hybrid (default), vector or text; `k` results (default 10).',
    input: QueryRequest,
    annotations: reads,
    run: (operations, input, signal) => operations.query(input, signal),
  }),
  tool({
    name: 'list_repositories',
    title: 'List repositories',
    description: 'The repositories minions can search (and run tasks on, with a server): id, root path, index status, files and chunks.',
    input: NoArguments,
    annotations: reads,
    run: async (operations, _input, signal) => ({ repositories: await operations.repositories(signal) }),
  }),
  tool({
    name: 'run_task',
    title: 'Run a task with a minion',
    description:
      'Hands a coding task in plain words to a minion, which works on its own branch of the repository (worktree, edits, lint, tests, commit). ' +
      'Returns the task id at once; follow it with task_status and fetch the branch, diff and PR text with task_result. Needs a running `minions serve`.',
    input: TaskRequest,
    annotations: { readOnlyHint: false, openWorldHint: false },
    run: (operations, input, signal) => operations.submitTask(input, signal),
  }),
  tool({
    name: 'task_status',
    title: 'Task status',
    description: 'Where a task is: queued, running, succeeded, failed, cancelled or interrupted, with its request, times and error.',
    input: IdParams,
    annotations: reads,
    run: (operations, input, signal) => operations.task(input.id, signal),
  }),
  tool({
    name: 'task_result',
    title: 'Task result',
    description: "What a finished task handed back: branch, commit, unified diff, PR title and body, the checks run and the guardrails' verdict.",
    input: IdParams,
    annotations: reads,
    run: (operations, input, signal) => operations.taskResult(input.id, signal),
  }),
  tool({
    name: 'find_definition',
    title: 'Find a definition',
    description: 'Where a function, class, method, type or constant is defined in a repository, from its symbol graph: path, lines, kind and signature.',
    input: SymbolArguments,
    annotations: reads,
    requires: 'symbols',
    run: async (operations, input, signal) => {
      const { name, definitions } = await needed(operations.symbols, 'The symbol graph')(input.repo, input.name, { limit: 1, signal });
      return { name, definitions };
    },
  }),
  tool({
    name: 'find_references',
    title: 'Find references',
    description: 'Where a name is used in a repository (calls, type uses, imports), from its symbol graph: path, line and the line\'s text.',
    input: SymbolArguments,
    annotations: reads,
    requires: 'symbols',
    run: async (operations, input, signal) => {
      const { name, references, truncated } = await needed(operations.symbols, 'The symbol graph')(input.repo, input.name, { limit: input.limit, signal });
      return { name, references, ...(truncated ? { truncated } : {}) };
    },
  }),
  tool({
    name: 'repo_map',
    title: 'Repository map',
    description:
      'An outline of the most relevant files of a repository and their key definitions, ranked by the symbol graph (personalised PageRank) and cut to a token budget. ' +
      'Focus it with focusFiles, focusSymbols or a task text.',
    input: RepoMapArguments,
    annotations: reads,
    requires: 'repoMap',
    run: ({ repoMap }, { repo: root, budgetTokens, ...request }, signal) => needed(repoMap, 'The repository map')(root, { ...request, budgetTokens: budgetTokens ?? DEFAULT_MAP_TOKENS }, signal),
  }),
  tool({
    name: 'context',
    title: 'Context for a task',
    description: "What a minion's first prompt would hold for a task on a repository: the sections (task, rules, code, map) with their text, tokens and the file spans they show.",
    input: ContextRequest,
    annotations: reads,
    requires: 'context',
    run: ({ context }, input, signal) => needed(context, 'Context assembly')(input, signal),
  }),
];
