// The agent's tool set and the one place tools are called: unknown names and bad
// arguments become messages for the model, every call becomes a `tool-call` event.
import { Type } from '@sinclair/typebox';
import { isAbortError } from '../../platform/index.js';
import { truncateMiddle } from '../limits.js';
import type { ToolCallRequest } from '../model/ollama-model.js';
import { runCommandTool } from './command-tool.js';
import { deleteFileTool, moveFileTool } from './file-moves.js';
import { createFileTool, editFileTool, listDirTool, readFileTool } from './file-tools.js';
import { grepTool, searchCodeTool } from './search-tools.js';
import { findDefinitionTool, findReferencesTool, repoMapTool } from './symbol-tools.js';
import { checkArguments, defineTool, type AgentTool, type ToolContext, type ToolResult } from './tool.js';
import { describeArguments, resolveCall, unknownToolMessage } from './tool-aliases.js';

/** finish: ends the loop with a summary of what was changed and why. */
export const finishTool = defineTool({
  name: 'finish',
  description: 'Call when the task is done (or cannot be done): summarize what you changed and why, in a few sentences.',
  parameters: Type.Object({ summary: Type.String({ description: 'what changed, why, and anything left open' }) }),
  async run(input) {
    return { ok: true, output: 'Finished.', finish: { summary: input.summary } };
  },
});

/** Every tool of the implement and fix nodes, in the order the model sees them. */
export const agentTools: readonly AgentTool[] = [searchCodeTool, findDefinitionTool, findReferencesTool, repoMapTool, grepTool, readFileTool, listDirTool, editFileTool, createFileTool, deleteFileTool, moveFileTool, runCommandTool, finishTool];

/** Calls one tool (aliased names and arguments mapped first); never throws except on cancellation. */
export async function callTool(tools: readonly AgentTool[], requested: ToolCallRequest, context: ToolContext): Promise<ToolResult> {
  const started = performance.now();
  const call = resolveCall(tools, requested);
  const tool = tools.find((candidate) => candidate.name === call.name);
  let result: ToolResult;
  if (tool === undefined) {
    result = { ok: false, output: unknownToolMessage(call.name, tools.map((candidate) => candidate.name)) };
  } else {
    const checked = checkArguments(tool, call.arguments);
    if (!checked.ok) result = { ok: false, output: explainArguments(tool, call, checked.error) };
    else {
      try {
        result = await tool.run(checked.value, context);
      } catch (error) {
        if (isAbortError(error) || context.signal.aborted) throw error;
        result = { ok: false, output: `${call.name} failed: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
  }
  context.emit('tool-call', {
    node: context.node,
    step: context.step,
    tool: call.name,
    arguments: truncateMiddle(JSON.stringify(call.arguments), 600),
    ok: result.ok,
    durationMs: Math.round(performance.now() - started),
    result: truncateMiddle(result.output, 600),
  });
  return result;
}

/** A validation error with what the tool expects and which given arguments it does not know. */
function explainArguments(tool: AgentTool, call: ToolCallRequest, error: string): string {
  const unknown = Object.keys(call.arguments).filter((key) => !(key in tool.parameters.properties));
  const ignored = unknown.length > 0 ? ` Unknown arguments: ${unknown.join(', ')}.` : '';
  return `${error}${ignored} ${tool.name} takes: ${describeArguments(tool)}.`;
}
