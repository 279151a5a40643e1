// The agent's public surface: the runner, the code-search interface the server wires
// in, blueprints as data, limits and the typed events.
export { createAgentRunner, branchName, type AgentRunnerOptions } from './runner.js';
export type { CodeSearch, SearchScope, SymbolScope } from './tools/tool.js';
export type { ForgeClient, GitConfigEntries, Publisher, PullRequestDraft, PullRequestInfo } from './forge.js';
export { withoutCredentials } from './workspace/push.js';
export { assembleContext, type AssembleOptions, type AssembledContext } from './context/assemble.js';
export { contextBudget } from './context/budget.js';
export { previewContext, type PreviewOptions } from './context/repository-context.js';
export { defaultRetryPolicy, type RetryPolicy } from './model/model-retry.js';
export { defaultTemperature } from './model/ollama-model.js';
export { runBlueprint, type Blueprint, type BlueprintNode, type NodeContext, type NodeLimits, type NodeOutcome, type NodeServices } from './blueprint.js';
export { validateBlueprint, endRoute, failRoute, failedLabel, type ResolvedRoutes } from './blueprint-routes.js';
export { defaultBlueprint } from './default-blueprint.js';
export type { ReviewOption } from './review/review-settings.js';
export { defaultLimits, resolveLimits, type AgentLimits, type LimitOverrides, type LoopLimits } from './limits.js';
export type { AgentEventMap, AgentEventType, CheckKind } from './events.js';
export { defaultProtectedPaths } from './guardrails.js';
export { defaultAllowedCommands } from './workspace/allow-list.js';
export { createLauncher, type CommandLauncher } from './workspace/command-launch.js';
export { bubblewrapArgv, createBubblewrapSandbox, sandboxHome, type CommandSandbox, type SandboxLayout, type SandboxProbe } from './workspace/command-sandbox.js';
export { minionsWorktrees, removeStaleWorktrees } from './workspace/stale-worktrees.js';
export { deleteTaskBranch, emptyTaskBranches, type EmptyTaskBranch } from './workspace/task-branches.js';
export { removeWorktree } from './workspace/git.js';
export { createUnshareSandbox, type CommandIsolation, type CommandNetworkPolicy, type NetworkSandbox } from './workspace/network-sandbox.js';
