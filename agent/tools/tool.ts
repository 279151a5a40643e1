// What a tool is: a name, a description, TypeBox parameters (which become Ollama's
// tool definition and validate the model's arguments), and a run function whose
// failures are values the model reads.
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Tool } from 'ollama';
import type { QueryResult, RepoMap, RepoMapRequest, SymbolsResponse } from '../../schemas/index.js';
import type { Emit } from '../events.js';
import type { AgentLimits } from '../limits.js';
import type { CommandLauncher } from '../workspace/command-launch.js';

/** Which repository a search is about (the user's checkout, whose index it is), and its cancellation. */
export interface SearchScope {
  /** The repository's top folder (not the task's worktree, which has no index of its own). */
  repo: string;
  signal?: AbortSignal;
}

/**
 * Code search as the agent sees it; `server/` wires it to the indexer. Results' paths
 * are relative to the repository. Throws (e.g. a MinionsError `index-missing`) when
 * search is unavailable; the agent then tells the model to use grep.
 */
export interface CodeSearch {
  search(query: string, k: number, scope?: SearchScope): Promise<QueryResult[]>;
  /**
   * What the repository's symbol graph knows of a name: its definitions and references
   * (at most `limit` of them). Absent, or throwing, when there is no graph: the tools
   * then tell the model to use grep.
   */
  symbols?(name: string, scope: SymbolScope): Promise<SymbolsResponse>;
  /** The repo map personalised by the request, within its token budget. Absent, or throwing, when there is no graph. */
  repoMap?(request: RepoMapRequest, scope: SearchScope): Promise<RepoMap>;
}

/** The scope of a symbol lookup: the repository, and how many references to list at most. */
export interface SymbolScope extends SearchScope {
  limit?: number;
}

/** What a tool may use: the worktree (a real path), the run's services and the current step. */
export interface ToolContext {
  worktree: string;
  /** The user's repository, for code search. */
  repo: string;
  node: string;
  step: number;
  signal: AbortSignal;
  emit: Emit;
  limits: AgentLimits;
  search: CodeSearch;
  /** Command prefixes `run_command` accepts, as argv words. */
  allowedCommands: readonly (readonly string[])[];
  /** The environment commands run with (already scrubbed). */
  env: NodeJS.ProcessEnv;
  /** How run_command starts a command (the run's sandbox); unsandboxed when absent. */
  commandLauncher?: CommandLauncher;
  /** Dependency folders linked into the worktree from the user's checkout (kept visible to commands). */
  linked?: readonly string[];
  /** Where the file tools record the paths they write, create, delete or move (the change delivery stages). */
  touched?: Set<string>;
}

/** A tool's answer. `finish` ends the loop with the model's summary. */
export interface ToolResult {
  ok: boolean;
  output: string;
  finish?: { summary: string };
}

/** One tool the model may call; `run` receives arguments already checked against `parameters`. */
export interface AgentTool {
  name: string;
  description: string;
  parameters: TObject;
  run(input: Record<string, unknown>, context: ToolContext): Promise<ToolResult>;
}

/** A tool definition whose `run` sees its arguments typed by the schema. */
export interface ToolDefinition<Parameters extends TObject> {
  name: string;
  description: string;
  parameters: Parameters;
  run(input: Static<Parameters>, context: ToolContext): Promise<ToolResult>;
}

/** Declares a tool with its argument types inferred from the schema. */
export function defineTool<Parameters extends TObject>(tool: ToolDefinition<Parameters>): AgentTool {
  // The toolbox runs a tool only after `checkArguments` accepted the input against this very schema.
  return { ...tool, run: (input, context) => tool.run(input as Static<Parameters>, context) };
}

/** The tool as Ollama's `tools` list wants it (also written into the prompt for models without native tools). */
export function toOllamaTool(tool: AgentTool): Tool {
  const properties: Record<string, { type?: string; description?: string; enum?: unknown[] }> = {};
  for (const [key, schema] of Object.entries(tool.parameters.properties) as [string, TSchema][]) {
    properties[key] = {
      ...(typeof schema.type === 'string' ? { type: schema.type } : {}),
      ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    };
  }
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: { type: 'object', required: tool.parameters.required ?? [], properties } } };
}

/** Coerces the model's arguments to the schema (`"10"` -> 10) and validates them; the error names every problem. */
export function checkArguments(tool: AgentTool, input: Record<string, unknown>): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const converted = Value.Convert(tool.parameters, Value.Clean(tool.parameters, structuredClone(input)));
  if (Value.Check(tool.parameters, converted)) return { ok: true, value: converted as Record<string, unknown> };
  const problems = [...Value.Errors(tool.parameters, converted)].slice(0, 4).map((error) => `${error.path || '(arguments)'}: ${error.message}`);
  return { ok: false, error: `Invalid arguments for ${tool.name}: ${problems.join('; ')}.` };
}

/**
 * The tools described in the prompt, for models without native tool calling: the
 * definitions as JSON and the one reply format the fallback parser reads best.
 */
export function toolPrompt(tools: readonly AgentTool[]): string {
  const definitions = tools.map((tool) => JSON.stringify(toOllamaTool(tool).function)).join('\n');
  return [
    'You can call these tools (JSON Schema of each):',
    definitions,
    'To call a tool, reply with a JSON object and nothing else, for example:',
    '{"name": "read_file", "arguments": {"path": "src/index.ts"}}',
    'The result comes back in the next message. Call one tool per reply. When the task is done, call finish.',
  ].join('\n');
}
