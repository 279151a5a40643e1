// Live progress of a task in the terminal: one line per agent event, readable in a
// log as well as on a terminal.
import type { Writable } from 'node:stream';
import type { AgentEvent } from '../../schemas/index.js';
import { formatCount, terminalSafe } from './output.js';
import { describeReview } from './review-output.js';

function seconds(milliseconds: number): string {
  return milliseconds < 1000 ? `${Math.round(milliseconds)} ms` : `${(milliseconds / 1000).toFixed(1)} s`;
}

function oneLine(text: string, width = 100): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** The line `minions run` prints for an agent event, or undefined for events it does not print. */
export function describeAgentEvent(event: AgentEvent): string | undefined {
  switch (event.type) {
    case 'run-start': {
      const { taskId, repo, base, branch, models } = event.data;
      return `task ${taskId}: ${repo} at ${base} -> branch ${branch} (models: ${[...new Set(Object.values(models))].join(', ')})`;
    }
    case 'node-start':
      return `[${event.data.node}] start${event.data.round > 0 ? ` (round ${event.data.round + 1})` : ''}`;
    case 'node-end': {
      const { node, status, durationMs, note } = event.data;
      return `[${node}] ${status} in ${seconds(durationMs)}${note ? `: ${oneLine(note, 160)}` : ''}`;
    }
    case 'network-check':
      return `  network of commands: ${event.data.isolated ? 'none' : 'ON'} (${oneLine(event.data.note, 200)})`;
    case 'checkout-check': {
      const { uncommitted, included } = event.data;
      if (uncommitted.length === 0) return undefined;
      const named = `${uncommitted.length} uncommitted change(s) in your checkout (${oneLine(uncommitted.slice(0, 5).join(', '), 160)}${uncommitted.length > 5 ? ', …' : ''})`;
      return included ? `  starting from the working tree: ${named} committed first on the branch` : `  ! ${named} are NOT part of this task (it starts from the commit; use --from-working-tree to include them)`;
    }
    case 'worktree-create':
      return `  worktree ${event.data.path} on ${event.data.branch}`;
    case 'context-gather': {
      const { rules, files, snippets, tokens, search } = event.data;
      return `  context: ${rules.length} rule files, ${files.length} files, ${snippets} snippets, ~${formatCount(tokens)} tokens; search ${search}`;
    }
    case 'model-call':
      return describeModelCall(event.data);
    case 'model-load':
      // Shown when it starts too: a cold load of a large model takes a minute, which should not look like a hang.
      if (event.data.phase === 'start') return `  loading ${event.data.model}…`;
      return `  ${event.data.model} ${event.data.alreadyLoaded === true ? 'was already loaded' : 'loaded'} in ${seconds(event.data.durationMs)}`;
    case 'model-retry': {
      const { model, attempt, attempts, reason, delayMs } = event.data;
      return `  model ${model} failed (attempt ${attempt} of ${attempts}): ${oneLine(reason, 160)}; retrying in ${seconds(delayMs)}`;
    }
    case 'tool-call': {
      const { ok, tool, result } = event.data;
      return `  ${ok ? 'ok' : 'error'} ${tool} ${oneLine(event.data.arguments, 80)}${ok ? '' : `: ${oneLine(result, 120)}`}`;
    }
    case 'command-sandbox':
      // Sandboxed is the norm and not worth a line per command; running without one is.
      return event.data.method === 'bwrap' ? undefined : `  ! unsandboxed (allowed explicitly): $ ${oneLine(event.data.command, 100)}`;
    case 'command-end': {
      const { command, timedOut, exitCode, signal, durationMs } = event.data;
      return `  $ ${oneLine(command, 100)} -> ${timedOut ? 'timed out' : `exit ${exitCode ?? signal ?? 'null'}`} in ${seconds(durationMs)}`;
    }
    case 'loop-detect':
      return `  loop: ${event.data.tool} repeated ${event.data.repeats} times (${event.data.action})`;
    case 'limit-reach':
      return `  limit: ${event.data.limit} reached (${formatCount(event.data.value)})`;
    case 'context-trim':
      return describeContextTrim(event.data);
    case 'checks-discover': {
      const { source, format, fix, lint, test } = event.data;
      return `  checks from ${source}: ${[...format, ...fix, ...lint, ...test].join('; ') || 'none'}`;
    }
    case 'checks-baseline': {
      const { cached, commit, results } = event.data;
      const outcomes = results.map((check) => `${check.command} ${check.status}${check.failing.length > 0 ? ` (${check.failing.length} failing: ${oneLine(check.failing.join(', '), 80)})` : ''}`);
      return `  baseline on ${commit.slice(0, 12)}${cached ? ' (cached)' : ''}: ${outcomes.join('; ') || 'nothing to run'}`;
    }
    case 'guardrail-check':
      return `  guardrails: ${event.data.passed ? 'passed' : `FAILED: ${event.data.violations.join('; ')}`}`;
    case 'commit-create':
      return `  commit ${event.data.commit.slice(0, 12)} on ${event.data.branch}${event.data.reused === true ? ' (kept from the earlier attempt: the same change)' : ''}`;
    case 'publish-push':
      return `  pushed ${event.data.branch} to ${event.data.remote}${event.data.alreadyPresent ? ' (already there)' : ''}`;
    case 'publish-pull-request':
      return `  pull request ${event.data.created ? 'opened' : 'already open'}: ${event.data.url}${event.data.draft ? ' (draft)' : ''}`;
    case 'review-start': {
      const { model, round, files, diffTokens, cut } = event.data;
      return `  review by ${model}${round > 0 ? ' (after the fix round)' : ''}: ${files} file(s), ~${formatCount(diffTokens)} tokens of diff${cut.length > 0 ? `; cut to fit: ${oneLine(cut.join(', '), 120)}` : ''}`;
    }
    case 'review-end':
      return `  review: ${describeReview(event.data.review, '    ').join('\n')}`;
    case 'worktree-remove':
      return event.data.branchKept === null ? `  worktree removed; nothing committed, so branch ${event.data.branchDeleted ?? ''} was deleted` : `  worktree removed; branch ${event.data.branchKept} kept`;
    case 'run-end': {
      const { outcome, wallMs, rounds, tokens, reason } = event.data;
      return `${outcome} in ${seconds(wallMs)}: ${rounds} fix round(s), ${formatCount(tokens.input)} tokens in / ${formatCount(tokens.output)} out${reason ? `; ${oneLine(reason, 200)}` : ''}`;
    }
    default:
      return undefined;
  }
}

function describeModelCall(data: Extract<AgentEvent, { type: 'model-call' }>['data']): string {
  const calls = data.toolCalls.join(', ') || 'no tool call';
  const via = data.toolCallSource === 'text' ? ' (parsed from text)' : '';
  return `  model ${data.model} step ${data.step}: ${formatCount(data.inputTokens)} in / ${formatCount(data.outputTokens)} out, ${seconds(data.latencyMs)} -> ${calls}${via}`;
}

function describeContextTrim(data: Extract<AgentEvent, { type: 'context-trim' }>['data']): string {
  if (data.reason === 'rejected') return `  context: Ollama refused a prompt over num_ctx ${data.numCtx}; retry ${data.retry} within ${formatCount(data.limitTokens)} tokens`;
  if (data.reason === 'truncated') return `  context: Ollama cut a prompt at num_ctx ${data.numCtx} (${formatCount(data.reportedTokens ?? 0)} tokens); retry ${data.retry} within ${formatCount(data.limitTokens)} tokens`;
  const what = [`${data.elidedOutputs} old outputs elided`, data.droppedTurns > 0 ? `${data.droppedTurns} turns left out` : '', data.shrunk ? 'the latest output shortened' : ''].filter((part) => part !== '');
  return `  context: ${what.join(', ')} to fit num_ctx ${data.numCtx} (~${formatCount(data.estimatedTokens)} tokens sent)`;
}

/** Writes one line for each event worth showing. */
export function printAgentEvent(stream: Writable, event: AgentEvent): void {
  const line = describeAgentEvent(event);
  // Tool arguments, commands and notes come from the model and the repository.
  if (line !== undefined) stream.write(`${terminalSafe(line)}\n`);
}
