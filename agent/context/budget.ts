// The first prompt's token budget for a model's context length: what the context node
// uses, and what `minions context` and `POST /v1/context` default to.
import { defaultLimits, type AgentLimits } from '../limits.js';
import { TokenCounter, firstPromptBudget } from '../model/context-budget.js';
import { toOllamaTool } from '../tools/tool.js';
import { agentTools } from '../tools/toolbox.js';

/**
 * The first prompt's budget: `contextTokens`, at most 40% of the context, and at most
 * half of what the prompt budget leaves beside the tool definitions (the tool
 * definitions, the reply and the conversation need the rest). Without a known context
 * length: `contextTokens` (6,000 by default).
 */
export function contextBudget(contextLength: number | undefined, limits: Pick<AgentLimits, 'contextTokens'> = defaultLimits): number {
  if (contextLength === undefined) return limits.contextTokens;
  const tools = new TokenCounter().toolsTokens(agentTools.map(toOllamaTool));
  return Math.min(limits.contextTokens, Math.floor(contextLength * 0.4), firstPromptBudget(contextLength, tools));
}
