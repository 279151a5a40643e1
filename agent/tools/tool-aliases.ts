// The names small models give tools they were trained with elsewhere (view_file,
// str_replace, bash, ...) and their arguments (file_path, old_str, cmd, ...), mapped
// to this agent's tools, so a call that means the right thing runs instead of failing.
import type { TSchema } from '@sinclair/typebox';
import type { ToolCallRequest } from '../model/ollama-model.js';
import type { AgentTool } from './tool.js';

const toolAliases: Readonly<Record<string, readonly string[]>> = {
  read_file: ['view_file', 'open_file', 'cat', 'view', 'read', 'open'],
  edit_file: ['str_replace', 'replace_in_file', 'str_replace_editor', 'apply_edit', 'edit', 'replace'],
  create_file: ['write_file', 'write', 'create', 'new_file', 'write_to_file'],
  run_command: ['bash', 'shell', 'execute', 'execute_command', 'run', 'terminal', 'exec', 'run_shell_command'],
  list_dir: ['ls', 'list_files', 'list_directory', 'list'],
  grep: ['find', 'search_files', 'grep_search', 'ripgrep', 'rg'],
  search_code: ['search', 'codebase_search', 'semantic_search', 'search_codebase'],
  find_definition: ['goto_definition', 'go_to_definition', 'get_definition', 'definition', 'find_symbol', 'lookup_symbol', 'find_definitions'],
  find_references: ['references', 'find_usages', 'usages', 'find_callers', 'callers', 'find_uses', 'get_references'],
  repo_map: ['repomap', 'repository_map', 'codebase_map', 'code_map', 'map'],
  // The edits part of issue 11 adds these two tools; the aliases apply once they are offered.
  delete_file: ['rm', 'delete', 'remove_file', 'remove', 'unlink'],
  move_file: ['mv', 'rename', 'rename_file', 'move'],
  finish: ['done', 'complete', 'attempt_completion', 'submit', 'task_complete'],
};

const argumentAliases: Readonly<Record<string, readonly string[]>> = {
  path: ['file', 'filename', 'file_path', 'filepath', 'file_name', 'target_file', 'directory', 'dir', 'folder'],
  search: ['old', 'old_str', 'old_string', 'old_text', 'find', 'original', 'search_text'],
  replace: ['new', 'new_str', 'new_string', 'new_text', 'replacement', 'replace_text'],
  content: ['contents', 'text', 'file_text', 'data', 'code'],
  command: ['cmd', 'commands', 'script', 'shell_command'],
  pattern: ['regex', 'search_pattern'],
  query: ['q', 'search_query', 'text_query'],
  summary: ['message', 'result', 'description'],
  name: ['symbol', 'identifier', 'symbol_name', 'function', 'function_name', 'class_name', 'name_path'],
  files: ['paths', 'focus_files', 'file_paths', 'file_list'],
  symbols: ['names', 'identifiers', 'focus_symbols', 'symbol_names'],
  budget: ['max_tokens', 'tokens', 'budget_tokens', 'token_budget'],
};

/** The offered tool a name means, through its aliases (case-insensitive); undefined when none. */
export function resolveToolName(name: string, tools: ReadonlySet<string>): string | undefined {
  if (tools.has(name)) return name;
  const lower = name.toLowerCase();
  if (tools.has(lower)) return lower;
  return Object.entries(toolAliases).find(([tool, aliases]) => tools.has(tool) && aliases.includes(lower))?.[0];
}

/** The call with its tool name and misnamed arguments mapped to the offered tool's; unchanged when unknown. */
export function resolveCall(tools: readonly AgentTool[], call: ToolCallRequest): ToolCallRequest {
  const name = resolveToolName(call.name, new Set(tools.map((tool) => tool.name)));
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) return call;
  const expected = Object.keys(tool.parameters.properties);
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(call.arguments)) {
    const target = expected.includes(key) ? key : Object.entries(argumentAliases).find(([real, aliases]) => expected.includes(real) && aliases.includes(key.toLowerCase()))?.[0];
    const chosen = target !== undefined && !(target in mapped) && !(target !== key && target in call.arguments) ? target : key;
    mapped[chosen] = value;
  }
  return { name: tool.name, arguments: mapped };
}

/** The one answer to a call of a tool that does not exist, native or printed. */
export function unknownToolMessage(name: string, tools: readonly string[]): string {
  return `There is no tool "${name}"; the tools are: ${tools.join(', ')}. Call one of them by its exact name.`;
}

/** The tool's arguments as the model should write them, e.g. `path (string, required), start_line (integer)`. */
export function describeArguments(tool: AgentTool): string {
  const required = new Set(tool.parameters.required ?? []);
  return (Object.entries(tool.parameters.properties) as [string, TSchema][])
    .map(([key, schema]) => `${key} (${typeof schema.type === 'string' ? schema.type : 'value'}${required.has(key) ? ', required' : ''})`)
    .join(', ');
}
