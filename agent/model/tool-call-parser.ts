// The fallback for models that print tool calls instead of making them: JSON objects
// (bare, fenced, in <tool_call> tags, or in a `tool_calls` list), Qwen's
// <function=name><parameter=key> XML, and `name({...})` call syntax. Only calls to
// tools the agent offers are accepted, so prose with braces is left alone.
import type { ToolCallRequest } from './ollama-model.js';

/** The tool calls written in a reply's text, in order; empty when there are none. */
export function parseTextToolCalls(content: string, tools: ReadonlySet<string>): ToolCallRequest[] {
  const strategies = [taggedJson, functionXml, fencedJson, wholeJson, embeddedJson, callSyntax];
  for (const strategy of strategies) {
    const calls = strategy(content, tools);
    if (calls.length > 0) return calls;
  }
  return [];
}

type Strategy = (content: string, tools: ReadonlySet<string>) => ToolCallRequest[];

const taggedJson: Strategy = (content, tools) =>
  [...content.matchAll(/<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/g)].flatMap((match) => fromJsonText(match[1] ?? '', tools));

const functionXml: Strategy = (content, tools) => {
  const calls: ToolCallRequest[] = [];
  for (const match of content.matchAll(/<function=([\w.-]+)>([\s\S]*?)(?:<\/function>|$)/g)) {
    const name = match[1] ?? '';
    if (!tools.has(name)) continue;
    const parameters: Record<string, unknown> = {};
    for (const parameter of (match[2] ?? '').matchAll(/<parameter=([\w.-]+)>\n?([\s\S]*?)\n?<\/parameter>/g)) {
      parameters[parameter[1] ?? ''] = parameter[2] ?? '';
    }
    calls.push({ name, arguments: parameters });
  }
  return calls;
};

const fencedJson: Strategy = (content, tools) =>
  [...content.matchAll(/```[\w-]*\s*\n([\s\S]*?)```/g)].flatMap((match) => fromJsonText(match[1] ?? '', tools));

const wholeJson: Strategy = (content, tools) => fromJsonText(content, tools);

const embeddedJson: Strategy = (content, tools) => balancedObjects(content).flatMap((text) => fromJsonText(text, tools));

const callSyntax: Strategy = (content, tools) => {
  const calls: ToolCallRequest[] = [];
  for (const match of content.matchAll(/\b([a-z_][\w]*)\s*\(\s*(?=\{)/g)) {
    const name = match[1] ?? '';
    if (!tools.has(name)) continue;
    const [object] = balancedObjects(content.slice((match.index ?? 0) + match[0].length));
    const parsed = object === undefined ? undefined : parseJson(object);
    if (isRecord(parsed)) calls.push({ name, arguments: parsed });
  }
  return calls;
};

/** Tool calls in a JSON text: one call, a list of calls, or `{ tool_calls: [...] }`. */
function fromJsonText(text: string, tools: ReadonlySet<string>): ToolCallRequest[] {
  const parsed = parseJson(text.trim());
  if (parsed === undefined) return [];
  const items = Array.isArray(parsed) ? parsed : isRecord(parsed) && Array.isArray(parsed.tool_calls) ? parsed.tool_calls : [parsed];
  return items.flatMap((item: unknown) => {
    const call = asToolCall(item);
    return call && tools.has(call.name) ? [call] : [];
  });
}

/** Reads the shapes models use: `{name, arguments}`, `{function: {...}}`, `{tool, parameters}`, `{name, args|input}`. */
function asToolCall(value: unknown): ToolCallRequest | undefined {
  if (!isRecord(value)) return undefined;
  if (isRecord(value.function)) return asToolCall(value.function);
  const name = [value.name, value.tool, value.tool_name, value.function_name].find((candidate) => typeof candidate === 'string');
  if (typeof name !== 'string') return undefined;
  const raw = [value.arguments, value.parameters, value.args, value.input].find((candidate) => candidate !== undefined) ?? {};
  const argumentsValue = typeof raw === 'string' ? parseJson(raw) : raw;
  return isRecord(argumentsValue) ? { name, arguments: argumentsValue } : undefined;
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

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
