// The MCP tools: one table of name, description, input schema and handler. The input
// schemas are the TypeBox schemas the HTTP API validates the same requests with, so a
// tool call and a request are checked (and refused) alike.
import { Type, type Static, type TObject } from '@sinclair/typebox';
import { IdParams, QueryRequest, TaskRequest } from '../../schemas/index.js';
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
  /** Runs with arguments already checked against `input`; the value is sent back as JSON text. */
  run(operations: McpOperations, input: unknown, signal: AbortSignal): Promise<unknown>;
}

/** Keeps each tool's handler typed by its own schema. */
function tool<S extends TObject>(definition: Omit<McpTool, 'run' | 'input'> & { input: S; run(operations: McpOperations, input: Static<S>, signal: AbortSignal): Promise<unknown> }): McpTool {
  return definition as McpTool;
}

const reads: ToolHints = { readOnlyHint: true, openWorldHint: false };
const NoArguments = Type.Object({}, { additionalProperties: false });

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
];
