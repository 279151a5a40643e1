// The fallback for models that print tool calls instead of making them: JSON objects
// (bare, fenced, in <tool_call> tags, or in a `tool_calls` list), Qwen's
// <function=name><parameter=key> XML, Mistral's [TOOL_CALLS] forms and `name({...})`
// call syntax, with near-JSON repaired. Only calls to offered tools (or their aliases)
// are accepted, so prose with braces is left alone; a reply shaped like a call that
// cannot be read yields a problem saying why, for the model to correct.
import { resolveToolName, unknownToolMessage } from '../tools/tool-aliases.js';
import { parseNearJson } from './near-json.js';
import type { ToolCallRequest } from './ollama-model.js';

/** The calls read from a reply's text, or, when there are none, why a call-like reply could not be read. */
export interface TextToolCalls {
  calls: ToolCallRequest[];
  problem?: string;
}

/** The tool calls written in a reply's text, in order; empty when there are none. */
export function parseTextToolCalls(content: string, tools: ReadonlySet<string>): ToolCallRequest[] {
  return readTextToolCalls(content, tools).calls;
}

/** Reads a reply's printed tool calls; names are mapped to offered tools through their aliases. */
export function readTextToolCalls(content: string, tools: ReadonlySet<string>): TextToolCalls {
  const strategies = [mistral, taggedJson, functionXml, fencedJson, wholeJson, embeddedJson, callSyntax];
  const problems: string[] = [];
  for (const strategy of strategies) {
    const found = strategy(content, tools);
    if (found.calls.length > 0) return { calls: found.calls };
    problems.push(...found.problems);
  }
  const problem = problems[0] ?? looseCallProblem(content, tools);
  return problem === undefined ? { calls: [] } : { calls: [], problem };
}

interface Found {
  calls: ToolCallRequest[];
  problems: string[];
}
type Strategy = (content: string, tools: ReadonlySet<string>) => Found;

const merge = (parts: readonly Found[]): Found => ({ calls: parts.flatMap((part) => part.calls), problems: parts.flatMap((part) => part.problems) });

/** `[TOOL_CALLS]name[ARGS]{...}` (repeated for several calls, maybe with `[CALL_ID]id`) and `[TOOL_CALLS][{...}, ...]`. */
const mistral: Strategy = (content, tools) => {
  const segments = content.split('[TOOL_CALLS]').slice(1);
  return merge(segments.map((segment) => {
    const named = /^\s*([\w.-]+)\s*(?:\[CALL_ID\]\s*[\w-]*\s*)?\[ARGS\]([\s\S]*)$/.exec(segment);
    if (named === null) return fromJsonText(segment, tools, true);
    const [object] = balancedObjects(named[2] ?? '');
    const parsed = parseNearJson((object ?? named[2] ?? '').trim());
    if (!parsed.ok) return { calls: [], problems: [`the arguments of ${named[1] ?? ''} are not JSON: ${parsed.error}`] };
    return nameCall(named[1] ?? '', parsed.value, tools);
  }));
};

const taggedJson: Strategy = (content, tools) =>
  merge([...content.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)].map((match) => fromJsonText(match[1] ?? '', tools, !(match[1] ?? '').includes('<function='))));

const functionXml: Strategy = (content, tools) => {
  const parts: Found[] = [];
  for (const match of content.matchAll(/<function=([\w.-]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
    const parameters: Record<string, unknown> = {};
    for (const parameter of (match[2] ?? '').matchAll(/<parameter=([\w.-]+)>\n?([\s\S]*?)\n?<\/parameter>/g)) {
      parameters[parameter[1] ?? ''] = parameter[2] ?? '';
    }
    parts.push(nameCall(match[1] ?? '', parameters, tools));
  }
  return merge(parts);
};

/** An object or a list of objects; `[1] First...` is prose. */
const startsLikeJson = /^\s*(?:\{|\[\s*\{)/;

/** Fenced blocks; only a block that starts like JSON is reported when it does not parse. */
const fencedJson: Strategy = (content, tools) =>
  merge([...content.matchAll(/```[\w-]*\s*\n([\s\S]*?)```/g)].map((match) => fromJsonText(match[1] ?? '', tools, startsLikeJson.test(match[1] ?? ''))));

const wholeJson: Strategy = (content, tools) => fromJsonText(content, tools, startsLikeJson.test(content));

const embeddedJson: Strategy = (content, tools) => {
  const calls = balancedObjects(content).flatMap((text) => fromJsonText(text, tools, false).calls);
  return { calls, problems: [] };
};

const callSyntax: Strategy = (content, tools) => {
  const calls: ToolCallRequest[] = [];
  for (const match of content.matchAll(/\b([a-z_][\w]*)\s*\(\s*(?=\{)/g)) {
    const name = resolveToolName(match[1] ?? '', tools);
    if (name === undefined) continue;
    const [object] = balancedObjects(content.slice((match.index ?? 0) + match[0].length));
    const parsed = object === undefined ? undefined : parseNearJson(object);
    if (parsed?.ok && isRecord(parsed.value)) calls.push({ name, arguments: parsed.value });
  }
  return { calls, problems: [] };
};

/** Tool calls in a JSON text: one call, a list of calls, or `{ tool_calls: [...] }`; `report` says whether failures count. */
function fromJsonText(text: string, tools: ReadonlySet<string>, report: boolean): Found {
  const parsed = parseNearJson(text.trim());
  if (!parsed.ok) return { calls: [], problems: report ? [parsed.error] : [] };
  const value = parsed.value;
  const items: unknown[] = Array.isArray(value) ? value : isRecord(value) && Array.isArray(value.tool_calls) ? value.tool_calls : [value];
  const found = merge(items.map((item) => asToolCall(item, tools)));
  return report ? found : { calls: found.calls, problems: [] };
}

/** Reads the shapes models use: `{name, arguments}`, `{function: {...}}`, `{tool, parameters}`, `{name, args|input}`. */
function asToolCall(value: unknown, tools: ReadonlySet<string>): Found {
  if (!isRecord(value)) return { calls: [], problems: ['a tool call must be a JSON object'] };
  if (isRecord(value.function)) return asToolCall(value.function, tools);
  const name = [value.name, value.tool, value.tool_name, value.function_name].find((candidate) => typeof candidate === 'string');
  if (typeof name !== 'string') return { calls: [], problems: ['the JSON object has no tool name (write {"name": "<tool>", "arguments": {...}})'] };
  const raw = [value.arguments, value.parameters, value.args, value.input].find((candidate) => candidate !== undefined) ?? {};
  if (typeof raw !== 'string') return nameCall(name, raw, tools);
  const parsed = parseNearJson(raw);
  return parsed.ok ? nameCall(name, parsed.value, tools) : { calls: [], problems: [`the arguments of ${name} are a string that is not JSON: ${parsed.error}`] };
}

/** A call to an offered tool (aliases mapped), or the problem with its name or arguments. */
function nameCall(name: string, argumentsValue: unknown, tools: ReadonlySet<string>): Found {
  const resolved = resolveToolName(name, tools);
  if (resolved === undefined) return { calls: [], problems: [unknownToolMessage(name, [...tools])] };
  if (!isRecord(argumentsValue)) return { calls: [], problems: [`the arguments of ${name} must be a JSON object of named values`] };
  return { calls: [{ name: resolved, arguments: argumentsValue }], problems: [] };
}

/** A reply that names a tool in a call-like way (`read_file(path=...)`) but in no shape the parser reads. */
function looseCallProblem(content: string, tools: ReadonlySet<string>): string | undefined {
  for (const match of content.matchAll(/\b([A-Za-z_]\w*)\(\s*(?:[A-Za-z_]\w*\s*=|["'])/g)) {
    if (tools.has(match[1] ?? '')) return `${match[1] ?? ''}(...) is not a tool call the agent can read: arguments must be a JSON object`;
  }
  return undefined;
}

/** Every top-level balanced `{...}` in a text, strings respected. */
function balancedObjects(text: string): string[] {
  const found: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index += 1;
      else if (character === '"') inString = false;
    } else if (character === '"' && depth > 0) inString = true;
    else if (character === '{') {
      if (depth === 0) start = index;
      depth += 1;
    } else if (character === '}' && depth > 0) {
      depth -= 1;
      if (depth === 0) found.push(text.slice(start, index + 1));
    }
  }
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
