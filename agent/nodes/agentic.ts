// implement and fix: the agentic nodes. Both run the tool-calling loop in the
// worktree with the full tool set; fix starts from the failing checks' output.
import { isAbortError } from '../../platform/index.js';
import type { NodeContext, NodeOutcome } from '../blueprint.js';
import { truncateMiddle, type LoopLimits } from '../limits.js';
import { runAgentLoop, type LoopOutcome } from '../model/agent-loop.js';
import { agentTools } from '../tools/toolbox.js';
import type { RunState } from '../run-state.js';
import { defaultAllowedCommands, parseAllowList } from '../workspace/allow-list.js';
import { changeSet } from '../workspace/change-set.js';
import { requireGit, requireWorktree } from './context.js';

/**
 * The outcome labels of implement and fix: `finished` (the model called finish),
 * `stopped` (a limit stopped the loop), `model-failed` (the model failed after changes
 * were made, which are delivered as a failed attempt), and for implement `no-changes`.
 */
export const implementOutcomes = ['finished', 'stopped', 'no-changes', 'model-failed'] as const;
export const fixOutcomes = ['finished', 'stopped', 'model-failed'] as const;
type AgenticLabel = (typeof implementOutcomes)[number];

const systemPrompt = `You are a minion: an autonomous coding agent working alone in a git worktree of a repository.
Complete the task by reading and editing files with the tools; nobody will answer questions.
- Look before you edit: search_code, find_definition, find_references, repo_map, grep, list_dir and read_file. edit_file needs the exact current text (without line numbers).
- Keep the change small and focused; follow the repository's conventions and rules.
- Add or update tests when the task changes behaviour, and run them with run_command.
- When the task is done, call finish with a short summary of what you changed and why.`;

const reviewInstruction = 'A reviewer found these problems in your change. Address each severe finding (restore deleted or weakened tests, undo changes the task did not ask for, fix security problems), keep the task done, and call finish with what you changed.';

const noChangePushBack = 'finish was not accepted yet: the worktree has no changes, and the task asks for one. Make the change with the tools; if it truly cannot be done, call finish again and say why.';

async function loop(context: NodeContext, node: string, prompt: string, limits: LoopLimits, system: string): Promise<LoopOutcome> {
  const { state, services, signal } = context;
  const worktree = requireWorktree(state.worktree);
  const allowed = [...defaultAllowedCommands, ...services.allowedCommands, ...(state.checkPlan?.commands ?? [])];
  // A model that failed to load fails here, as a model failure of this node.
  await services.modelsLoaded;
  const outcome = await runAgentLoop({
    node,
    model: services.model(node),
    tools: agentTools,
    system,
    prompt,
    limits,
    toolContext: { worktree, repo: state.repoRoot, signal, emit: services.emit, limits: services.limits, search: services.search, allowedCommands: parseAllowList(allowed), env: services.env, linked: state.linked, touched: state.touched, ...(services.commandLauncher ? { commandLauncher: services.commandLauncher } : {}) },
    emit: services.emit,
    signal,
    // Counted as spent, so a model failure mid-node still reports the tokens used.
    spend: (tokens) => {
      state.tokens.input += tokens.input;
      state.tokens.output += tokens.output;
    },
    // implement must change something; one push-back when the model finishes with nothing done.
    ...(node === 'implement' ? { beforeFinish: async () => ((await changedFiles(state, signal)).length === 0 ? noChangePushBack : undefined) } : {}),
  });
  // Only the model's finish summary describes the work; a stop reason ("Stopped: the step limit...") never does.
  const text = outcome.summary.trim();
  if (outcome.status === 'finished' && text !== '') state.summaries.push({ node, round: state.rounds, text });
  return outcome;
}

/** The files the change is made of so far: untracked files that only commands created (caches, build output) are not a change. */
async function changedFiles(state: RunState, signal: AbortSignal): Promise<string[]> {
  return (await changeSet(requireGit(state.git), state.linked, new Set([...state.touched, ...state.autofixed]), signal)).deliverable;
}

/**
 * When the model fails mid-node (Ollama went away, a timeout), the work so far is not
 * thrown away: with changes in the worktree the run goes on to deliver them as a
 * failed attempt on the branch.
 */
async function afterModelFailure(context: NodeContext, node: string, error: unknown): Promise<NodeOutcome<AgenticLabel | 'failed'>> {
  if (isAbortError(error) || context.signal.aborted) throw error;
  const message = error instanceof Error ? error.message : String(error);
  context.state.failure ??= `${node}: ${message}`;
  const changed = await changedFiles(context.state, context.signal);
  return changed.length > 0 ? { status: 'failed', label: 'model-failed', note: `${message}; delivering the ${changed.length} changed files as they are` } : { status: 'failed', label: 'failed', note: message };
}

/** implement: the model works on the task until it finishes or a limit stops it. */
export async function implementTask(context: NodeContext): Promise<NodeOutcome<AgenticLabel | 'failed'>> {
  const { state, services, signal } = context;
  let outcome: LoopOutcome;
  try {
    outcome = await loop(context, 'implement', state.contextText, context.limits.loop ?? services.limits.implement, systemPrompt);
  } catch (error) {
    return afterModelFailure(context, 'implement', error);
  }
  const changed = await changedFiles(state, signal);
  const note = `${outcome.status} after ${outcome.steps} steps; ${changed.length} files changed`;
  if (changed.length === 0) return { status: 'failed', label: 'no-changes', note: `made no changes (${outcome.status}: ${outcome.summary})` };
  return outcome.status === 'finished' ? { status: 'ok', label: 'finished', note } : { status: 'failed', label: 'stopped', note };
}

/** fix: one round of repairs from the failing checks' output, then back to checks. */
export async function fixFailures(context: NodeContext): Promise<NodeOutcome<AgenticLabel | 'failed'>> {
  const { state, services, signal } = context;
  state.rounds += 1;
  const changed = await changedFiles(state, signal);
  const review = state.fixFocus === 'review';
  // A round for the review's findings is taken once; the next round (if any) is for failing checks again.
  state.fixFocus = 'checks';
  const prompt = [
    `# Task\n${state.request.prompt}`,
    `# Your change so far\nFiles changed: ${changed.join(', ') || 'none'}.${state.summaries.length > 0 ? `\nYour summary: ${state.summaries.at(-1)?.text}` : ''}`,
    `# ${review ? 'Review findings' : 'Failing checks'} (fix round ${state.rounds})\n${truncateMiddle(state.failures, Math.min(services.limits.maxOutputCharacters * 2, Math.floor((services.contextLength / 4) * 2.6)))}`,
    review ? reviewInstruction : 'Find the cause and fix the code so these checks pass. Do not delete or weaken tests unless the task asks for it. Call finish when done.',
  ].join('\n\n');
  let outcome: LoopOutcome;
  try {
    outcome = await loop(context, 'fix', prompt, context.limits.loop ?? services.limits.fix, systemPrompt);
  } catch (error) {
    return afterModelFailure(context, 'fix', error);
  }
  const note = `round ${state.rounds}: ${outcome.status} after ${outcome.steps} steps`;
  return outcome.status === 'finished' ? { status: 'ok', label: 'finished', note } : { status: 'failed', label: 'stopped', note };
}
