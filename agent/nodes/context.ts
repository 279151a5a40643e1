// context: the rule files that apply to the files in play and the code retrieved for
// the task, assembled into the first prompt of the agentic work within a token budget.
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { discoverChecks } from '../checks/discover.js';
import { earlierRunSection } from '../context/follow-up.js';
import { applicableRules, readRuleFiles } from '../context/rules.js';
import { retrieveContext } from '../context/retrieval.js';
import { estimateTokens, truncateMiddle } from '../limits.js';
import { TokenCounter, firstPromptBudget } from '../model/context-budget.js';
import { toOllamaTool } from '../tools/tool.js';
import { agentTools } from '../tools/toolbox.js';
import type { GitLocation } from '../workspace/git-guard.js';

/** Gathers rules, retrieved code and the repository's checks. */
export async function gatherContext({ state, services, signal }: NodeContext): Promise<NodeOutcome> {
  const worktree = requireWorktree(state.worktree);
  // The first prompt may take a share of the model's context; the tool definitions, the reply and the conversation need the rest.
  const tools = new TokenCounter().toolsTokens(agentTools.map(toOllamaTool));
  const budget = Math.min(services.limits.contextTokens, Math.floor(services.contextLength * 0.4), firstPromptBudget(services.contextLength, tools));
  const ruleBudget = Math.floor(budget / 3);
  // A follow-up's earlier run (prompt, summaries, diff) takes a share of what retrieval would get.
  const earlier = state.request.continueFrom;
  const earlierBudget = earlier === undefined ? 0 : Math.floor(budget / 3);
  const [ruleFiles, retrieved, plan] = await Promise.all([
    readRuleFiles(worktree, state.tracked),
    retrieveContext(services.search, state.request.prompt, { worktree, repo: state.repoRoot, tracked: state.tracked, budgetTokens: budget - ruleBudget - earlierBudget, signal }),
    discoverChecks(worktree),
  ]);
  state.checkPlan = plan;
  state.filesInPlay = retrieved.files;
  state.rules = applicableRules(ruleFiles.rules, retrieved.files);
  // Files the sandboxed reader refused (a symlink to outside, a FIFO, a device) are left out, and the trace says so.
  const refused = [...new Set([...ruleFiles.refused, ...retrieved.refused, ...plan.refused])];
  const note = [retrieved.note, refused.length > 0 ? `not read: ${refused.join(' ')}` : undefined].filter((part) => part !== undefined).join('; ');
  const rulesText = state.rules.map((rule) => `## ${rule.path}${rule.globs ? ` (for ${rule.globs.join(', ')})` : ''}\n${rule.content}`).join('\n\n');
  const sections = [`# Task\n${state.request.prompt}`];
  if (earlier !== undefined) sections.push(earlierRunSection(earlier, earlierBudget * 3));
  if (rulesText !== '') sections.push(`# Repository rules (follow them)\n${truncateMiddle(rulesText, ruleBudget * 3)}`);
  if (retrieved.search === 'unavailable') {
    sections.push(`# Code search\nCode search is unavailable for this repository (${retrieved.note ?? 'no index'}). Find your way with grep, list_dir and read_file.`);
  }
  if (retrieved.sections.length > 0) sections.push(`# Code that may be relevant (line-numbered; the numbers are not part of the files)\n${retrieved.sections.join('\n\n')}`);
  sections.push(`# Repository\n${state.tracked.length} tracked files. Top level: ${topLevel(state.tracked).join(', ')}`);
  state.contextText = sections.join('\n\n');
  const tokens = estimateTokens(state.contextText);
  services.emit('context-gather', {
    rules: state.rules.map((rule) => rule.path),
    files: retrieved.files,
    snippets: retrieved.snippets,
    tokens,
    search: retrieved.search,
    ...(note !== '' ? { note } : {}),
  });
  const skipped = refused.length > 0 ? `; ${refused.length} files refused` : '';
  return { status: 'ok', label: 'ok', note: `${state.rules.length} rule files, ${retrieved.files.length} files, ${retrieved.snippets} snippets, ~${tokens} tokens; search ${retrieved.search}${skipped}` };
}

/** The worktree, which every node after prepare can count on. */
export function requireWorktree(worktree: string | undefined): string {
  if (worktree === undefined) throw new Error('the worktree is missing (prepare did not run)');
  return worktree;
}

/** The worktree's verified git metadata, which prepare records. */
export function requireGit(location: GitLocation | undefined): GitLocation {
  if (location === undefined) throw new Error('the worktree is missing (prepare did not run)');
  return location;
}

function topLevel(tracked: readonly string[]): string[] {
  const entries = new Set(tracked.map((path) => (path.includes('/') ? `${path.slice(0, path.indexOf('/'))}/` : path)));
  return [...entries].sort().slice(0, 40);
}
