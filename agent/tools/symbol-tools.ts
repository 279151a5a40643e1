// The symbol-graph tools: find_definition, find_references and repo_map, answered by the
// repository's symbol graph through the optional CodeSearch methods. Without an index or
// a graph they say so and point at grep, which always works.
import { Type } from '@sinclair/typebox';
import { MinionsError, type SymbolsResponse } from '../../schemas/index.js';
import { isAbortError } from '../../platform/index.js';
import { truncateMiddle } from '../limits.js';
import { defineTool, type ToolContext, type ToolResult } from './tool.js';

/** References listed at most (the graph is asked for one more, to know there are more). */
const maxReferences = 60;

function unavailable(tool: string, why: string): ToolResult {
  return { ok: false, output: `${tool} is unavailable for this repository (${why}). Use grep (e.g. a regular expression for the name) and read_file instead.` };
}

function reason(error: unknown): string {
  return error instanceof MinionsError ? error.message : error instanceof Error ? error.message : String(error);
}

/** The graph's answer for a name; a qualified name (`Router.route`, `fmt::Display`) falls back to its last segment. */
async function lookUp(context: ToolContext, tool: string, name: string, limit: number): Promise<SymbolsResponse | ToolResult> {
  const symbols = context.search.symbols?.bind(context.search);
  if (symbols === undefined) return unavailable(tool, 'no symbol graph');
  try {
    const answer = await symbols(name, { repo: context.repo, signal: context.signal, limit });
    const last = name.split(/\.|::|#/).pop() ?? name;
    if (answer.definitions.length > 0 || answer.references.length > 0 || last === name || last === '') return answer;
    return await symbols(last, { repo: context.repo, signal: context.signal, limit });
  } catch (error) {
    if (isAbortError(error)) throw error;
    return unavailable(tool, reason(error));
  }
}

const isAnswer = (value: SymbolsResponse | ToolResult): value is SymbolsResponse => 'definitions' in value;

/** find_definition: where a name is defined, with kind and signature. */
export const findDefinitionTool = defineTool({
  name: 'find_definition',
  description: 'Where a name is defined: path:lines, kind, signature.',
  parameters: Type.Object({ name: Type.String({ minLength: 1, maxLength: 256, description: 'e.g. parseConfig or Router.route' }) }),
  async run(input, context) {
    const answer = await lookUp(context, 'find_definition', input.name, 1);
    if (!isAnswer(answer)) return answer;
    if (answer.definitions.length === 0) return { ok: true, output: `No definition of ${input.name} in the symbol graph. Try search_code, or grep for it.` };
    const lines = answer.definitions.map((definition) => `${definition.path}:${definition.startLine}-${definition.endLine} ${definition.kind} ${definition.name}\n  ${definition.signature.split('\n').slice(0, 3).join('\n  ')}`);
    const name = answer.name === input.name ? '' : ` (as ${answer.name})`;
    return { ok: true, output: truncateMiddle(`${answer.definitions.length} definition(s)${name}:\n${lines.join('\n')}`, context.limits.maxOutputCharacters) };
  },
});

/** find_references: the call sites and other uses of a name, optionally under a path. */
export const findReferencesTool = defineTool({
  name: 'find_references',
  description: 'Where a name is used (calls, imports): path:line: text.',
  parameters: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 256 }),
    path: Type.Optional(Type.String({ description: 'only under this folder' })),
  }),
  async run(input, context) {
    const prefix = input.path?.replace(/^\.\/?/, '').replace(/\/$/, '') ?? '';
    // Filtering by path happens here, so the graph is asked for more when a path narrows the answer.
    const answer = await lookUp(context, 'find_references', input.name, prefix === '' ? maxReferences + 1 : 2000);
    if (!isAnswer(answer)) return answer;
    const references = answer.references.filter((reference) => prefix === '' || reference.path === prefix || reference.path.startsWith(`${prefix}/`));
    if (references.length === 0) return { ok: true, output: `No references to ${input.name}${prefix === '' ? '' : ` under ${prefix}`} in the symbol graph. grep finds uses the graph does not know (strings, dynamic calls).` };
    const more = references.length > maxReferences || (answer.truncated === true && prefix === '') ? `\n[more references exist; narrow with path]` : '';
    const lines = references.slice(0, maxReferences).map((reference) => `${reference.path}:${reference.line}: ${reference.text}`);
    return { ok: true, output: truncateMiddle(lines.join('\n') + more, context.limits.maxOutputCharacters) };
  },
});

/** repo_map: an outline of the files most related to the given files and symbols. */
export const repoMapTool = defineTool({
  name: 'repo_map',
  description: 'Outline of the files most related to the given files or symbols, with their key definitions.',
  parameters: Type.Object({
    files: Type.Optional(Type.Array(Type.String())),
    symbols: Type.Optional(Type.Array(Type.String())),
    budget: Type.Optional(Type.Integer({ minimum: 64, maximum: 8192, description: 'max tokens (default 1024)' })),
  }),
  async run(input, context) {
    const repoMap = context.search.repoMap?.bind(context.search);
    if (repoMap === undefined) return unavailable('repo_map', 'no symbol graph');
    // The map never takes more of the context than a tool output may.
    const budget = Math.min(input.budget ?? 1024, Math.max(64, Math.floor(context.limits.maxOutputCharacters / 3)));
    try {
      const map = await repoMap({ focusFiles: (input.files ?? []).slice(0, 200), focusSymbols: (input.symbols ?? []).filter((name) => name.length <= 256).slice(0, 200), budgetTokens: budget }, { repo: context.repo, signal: context.signal });
      if (map.text.trim() === '') return { ok: true, output: 'The map is empty: the symbol graph holds no definitions yet. Use list_dir and grep.' };
      return { ok: true, output: truncateMiddle(map.text, context.limits.maxOutputCharacters) };
    } catch (error) {
      if (isAbortError(error)) throw error;
      return unavailable('repo_map', reason(error));
    }
  },
});
