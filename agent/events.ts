// The agent's events: one typed union of noun-verb names and their data. The server
// persists and streams them as `TaskEvent`s; the CLI prints one line each.
import type { CheckResult, TaskResult } from '../schemas/index.js';

/** Every event the agent emits, by type. */
export interface AgentEventMap {
  'run-start': { taskId: string; repo: string; base: string; branch: string; models: Record<string, string>; blueprint: string };
  'node-start': { node: string; kind: 'deterministic' | 'agentic'; round: number };
  'node-end': { node: string; kind: 'deterministic' | 'agentic'; round: number; status: string; durationMs: number; note?: string };
  /** How the run's commands reach the network: isolated in a namespace, or not (and whether that was allowed). */
  'command-network': { isolated: boolean; method: string | null; loopback: boolean; allowed: boolean; note: string };
  'worktree-create': { path: string; branch: string; base: string; commit: string };
  'worktree-remove': { path: string; branchKept: string };
  'context-ready': { rules: string[]; files: string[]; snippets: number; tokens: number; search: 'used' | 'unavailable' | 'empty'; note?: string };
  'model-call': {
    node: string;
    step: number;
    model: string;
    digest: string;
    inputTokens: number;
    outputTokens: number;
    latencyMs: number;
    loadMs: number;
    toolCalls: string[];
    toolCallSource: 'native' | 'text' | 'none';
    doneReason: string;
    content: string;
  };
  'tool-call': { node: string; step: number; tool: string; arguments: string; ok: boolean; durationMs: number; result: string };
  'command-start': { node: string; command: string; pid: number | null };
  command: { node: string; command: string; exitCode: number | null; signal: string | null; timedOut: boolean; durationMs: number; output: string };
  'loop-detect': { node: string; tool: string; arguments: string; repeats: number; action: 'warn' | 'stop' };
  'limit-reach': { node: string; limit: 'steps' | 'tokens'; value: number };
  'checks-discover': { source: string; format: string[]; fix: string[]; lint: string[]; test: string[]; related: string[] };
  'check-end': CheckResult & { kind: CheckKind };
  'guardrail-verdict': { passed: boolean; violations: string[]; files: number; lines: number };
  'commit-create': { branch: string; commit: string; message: string };
  'run-end': {
    outcome: TaskResult['outcome'] | 'cancelled';
    reason?: string;
    branch: string;
    commit: string | null;
    rounds: number;
    tokens: { input: number; output: number };
    wallMs: number;
    nodes: { node: string; round: number; status: string; durationMs: number }[];
  };
}

/** The kinds of checks, in the order they run. */
export type CheckKind = 'format' | 'fix' | 'lint' | 'related-test' | 'test';

/** One agent event type. */
export type AgentEventType = keyof AgentEventMap;

/** The typed emit function every node and tool reports through. */
export type Emit = <T extends AgentEventType>(type: T, data: AgentEventMap[T]) => void;

/** Wraps the server's untyped `emit(type, data)` in the typed one. */
export function typedEmit(emit: (type: string, data: Record<string, unknown>) => void): Emit {
  return (type, data) => emit(type, { ...data });
}
