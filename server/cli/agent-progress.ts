// Live progress of a task in the terminal: one line per agent event, readable in a
// log as well as on a terminal.
import type { Writable } from 'node:stream';
import { formatCount } from './output.js';

function seconds(milliseconds: unknown): string {
  const value = typeof milliseconds === 'number' ? milliseconds : 0;
  return value < 1000 ? `${Math.round(value)} ms` : `${(value / 1000).toFixed(1)} s`;
}

function oneLine(text: unknown, width = 100): string {
  const flat = String(text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

type Data = Record<string, unknown>;

const formats: Record<string, (data: Data) => string | undefined> = {
  'run-start': (data) => `task ${String(data.taskId)}: ${String(data.repo)} at ${String(data.base)} -> branch ${String(data.branch)} (models: ${[...new Set(Object.values((data.models ?? {}) as Data))].join(', ')})`,
  'node-start': (data) => `[${String(data.node)}] start${Number(data.round) > 0 ? ` (round ${Number(data.round) + 1})` : ''}`,
  'node-end': (data) => `[${String(data.node)}] ${String(data.status)} in ${seconds(data.durationMs)}${data.note ? `: ${oneLine(data.note, 160)}` : ''}`,
  'command-network': (data) => `  network of commands: ${data.isolated ? 'none' : 'ON'} (${oneLine(data.note, 200)})`,
  'worktree-create': (data) => `  worktree ${String(data.path)} on ${String(data.branch)}`,
  'context-ready': (data) => `  context: ${(data.rules as unknown[]).length} rule files, ${(data.files as unknown[]).length} files, ${String(data.snippets)} snippets, ~${formatCount(Number(data.tokens))} tokens; search ${String(data.search)}`,
  'model-call': (data) => {
    const calls = (data.toolCalls as string[]).join(', ') || 'no tool call';
    const via = data.toolCallSource === 'text' ? ' (parsed from text)' : '';
    return `  model ${String(data.model)} step ${String(data.step)}: ${formatCount(Number(data.inputTokens))} in / ${formatCount(Number(data.outputTokens))} out, ${seconds(data.latencyMs)} -> ${calls}${via}`;
  },
  'tool-call': (data) => `  ${data.ok ? 'ok' : 'error'} ${String(data.tool)} ${oneLine(data.arguments, 80)}${data.ok ? '' : `: ${oneLine(data.result, 120)}`}`,
  command: (data) => `  $ ${oneLine(data.command, 100)} -> ${data.timedOut ? 'timed out' : `exit ${String(data.exitCode ?? data.signal)}`} in ${seconds(data.durationMs)}`,
  'loop-detect': (data) => `  loop: ${String(data.tool)} repeated ${String(data.repeats)} times (${String(data.action)})`,
  'limit-reach': (data) => `  limit: ${String(data.limit)} reached (${formatCount(Number(data.value))})`,
  'checks-discover': (data) => `  checks from ${String(data.source)}: ${[...(data.format as string[]), ...(data.fix as string[]), ...(data.lint as string[]), ...(data.test as string[])].join('; ') || 'none'}`,
  'guardrail-verdict': (data) => `  guardrails: ${data.passed ? 'passed' : `FAILED: ${(data.violations as string[]).join('; ')}`}`,
  'commit-create': (data) => `  commit ${String(data.commit).slice(0, 12)} on ${String(data.branch)}`,
  'worktree-remove': (data) => `  worktree removed; branch ${String(data.branchKept)} kept`,
  'run-end': (data) => {
    const tokens = data.tokens as { input: number; output: number };
    return `${String(data.outcome)} in ${seconds(data.wallMs)}: ${String(data.rounds)} fix round(s), ${formatCount(tokens.input)} tokens in / ${formatCount(tokens.output)} out${data.reason ? `; ${oneLine(data.reason, 200)}` : ''}`;
  },
};

/** Writes one line for each event worth showing. */
export function printAgentEvent(stream: Writable, type: string, data: Data): void {
  const line = formats[type]?.(data);
  if (line !== undefined) stream.write(`${line}\n`);
}
