// The task page's view of a task: its events folded, one at a time as they stream in,
// into a timeline of the blueprint's nodes (each with its model calls, tool calls and
// commands), the checks, the edits made so far, and the result once it ends.
import type { AgentEventMap, CheckKind, CheckResult, TaskEvent, TaskRequest, TaskResult, TaskStatus } from '../schemas/index.js';

/** One thing that happened inside a node. */
export type Activity =
  | { type: 'model-call'; seq: number; data: AgentEventMap['model-call'] }
  | { type: 'tool-call'; seq: number; data: AgentEventMap['tool-call'] }
  | { type: 'command'; seq: number; command: string; end: AgentEventMap['command-end'] | undefined }
  | { type: 'note'; seq: number; text: string; tone: 'info' | 'warn' };

/** One run of a blueprint node (a node may run again in a later round). */
export interface NodeRun {
  key: string;
  node: string;
  kind: string;
  round: number;
  status: string | undefined;
  outcome: string | undefined;
  durationMs: number | undefined;
  note: string | undefined;
  activity: Activity[];
}

/** A change the agent made to a file, as its tool call described it. */
export interface Edit {
  seq: number;
  tool: string;
  path: string;
  removed: string;
  added: string;
}

/** Everything the task page shows. */
export interface TaskActivity {
  lastSeq: number;
  status: TaskStatus | undefined;
  request: TaskRequest | undefined;
  run: AgentEventMap['run-start'] | undefined;
  nodes: NodeRun[];
  checks: (CheckResult & { kind: CheckKind })[];
  edits: Edit[];
  guardrail: AgentEventMap['guardrail-check'] | undefined;
  tokens: { input: number; output: number };
  modelCalls: number;
  result: TaskResult | undefined;
  error: string | undefined;
}

/** The state before any event. */
export function emptyActivity(): TaskActivity {
  return { lastSeq: 0, status: undefined, request: undefined, run: undefined, nodes: [], checks: [], edits: [], guardrail: undefined, tokens: { input: 0, output: 0 }, modelCalls: 0, result: undefined, error: undefined };
}

const setupKey = 'setup';

/** The node an activity belongs to: the last one started (events before any node go to a "setup" entry). */
function currentNode(state: TaskActivity): NodeRun {
  const last = state.nodes.at(-1);
  if (last !== undefined) return last;
  const setup: NodeRun = { key: setupKey, node: 'setup', kind: 'deterministic', round: 0, status: undefined, outcome: undefined, durationMs: undefined, note: undefined, activity: [] };
  state.nodes.push(setup);
  return setup;
}

/** Reads a tool call's arguments (a JSON string) as an edit, when it is one that succeeded. */
export function editOf(seq: number, call: AgentEventMap['tool-call']): Edit | undefined {
  if (!call.ok) return undefined;
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(call.arguments) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (name: string): string => (typeof input[name] === 'string' ? (input[name] as string) : '');
  switch (call.tool) {
    case 'edit_file':
      return { seq, tool: call.tool, path: text('path'), removed: text('search'), added: text('replace') };
    case 'create_file':
      return { seq, tool: call.tool, path: text('path'), removed: '', added: text('content') };
    case 'delete_file':
      return { seq, tool: call.tool, path: text('path'), removed: '(file deleted)', added: '' };
    case 'move_file':
      return { seq, tool: call.tool, path: `${text('from')} → ${text('to')}`, removed: '', added: '' };
    default:
      return undefined;
  }
}

/** A line for the events the timeline shows as notes, or undefined for those it shows otherwise (or not at all). */
function noteOf(event: TaskEvent): { text: string; tone: 'info' | 'warn' } | undefined {
  switch (event.type) {
    case 'worktree-create':
      return { text: `worktree on branch ${event.data.branch} from ${event.data.base} (${event.data.commit.slice(0, 12)})`, tone: 'info' };
    case 'context-gather':
      return { text: `context: ${event.data.files.length} files, ${event.data.snippets} snippets, ${event.data.tokens} tokens (search ${event.data.search})`, tone: 'info' };
    case 'model-retry':
      return { text: `model retry ${event.data.attempt}/${event.data.attempts} (${event.data.kind}): ${event.data.reason}`, tone: 'warn' };
    case 'loop-detect':
      return { text: `repeated ${event.data.tool} call ×${event.data.repeats}: ${event.data.action}`, tone: 'warn' };
    case 'limit-reach':
      return { text: `${event.data.limit} limit reached (${event.data.value})`, tone: 'warn' };
    case 'context-trim':
      return { text: `conversation fitted into the context (${event.data.reason}, ${event.data.estimatedTokens} of ${event.data.limitTokens} tokens)`, tone: 'info' };
    case 'checks-discover':
      return { text: `checks from ${event.data.source}: ${[...event.data.format, ...event.data.lint, ...event.data.test].join('; ') || 'none'}`, tone: 'info' };
    case 'checks-baseline':
      return { text: `baseline checks on ${event.data.commit.slice(0, 12)}${event.data.cached ? ' (cached)' : ''}: ${event.data.results.map((check) => `${check.kind} ${check.status}`).join(', ') || 'none'}`, tone: 'info' };
    case 'guardrail-check':
      return { text: event.data.passed ? `guardrails passed (${event.data.files} files, ${event.data.lines} lines)` : `guardrails stopped: ${event.data.violations.join('; ')}`, tone: event.data.passed ? 'info' : 'warn' };
    case 'review-start':
      return { text: `review by ${event.data.model}: ${event.data.files} files, ~${event.data.diffTokens} tokens of diff${event.data.cut.length > 0 ? `; cut to fit: ${event.data.cut.join(', ')}` : ''}`, tone: event.data.cut.length > 0 ? 'warn' : 'info' };
    case 'review-end':
      return { text: `review: ${event.data.review.findings.length} findings, ${event.data.review.severe} severe (${event.data.review.action})`, tone: event.data.review.action === 'none' ? 'info' : 'warn' };
    case 'commit-create':
      return { text: `committed ${event.data.commit.slice(0, 12)} on ${event.data.branch}`, tone: 'info' };
    case 'check-end':
      return { text: `check ${event.data.kind}: ${event.data.status ?? (event.data.passed ? 'passed' : 'failed')} (${event.data.command})`, tone: event.data.passed || event.data.status !== 'failed' ? 'info' : 'warn' };
    default:
      return undefined;
  }
}

/** Folds the agent's own events (those that belong to a node). */
function foldAgentEvent(state: TaskActivity, event: TaskEvent): void {
  switch (event.type) {
    case 'node-start':
      state.nodes.push({ key: `${event.seq}`, node: event.data.node, kind: event.data.kind, round: event.data.round, status: undefined, outcome: undefined, durationMs: undefined, note: undefined, activity: [] });
      return;
    case 'node-end': {
      const run = [...state.nodes].reverse().find((candidate) => candidate.node === event.data.node && candidate.status === undefined) ?? currentNode(state);
      Object.assign(run, { status: event.data.status, outcome: event.data.outcome, durationMs: event.data.durationMs, note: event.data.note });
      return;
    }
    case 'model-call':
      state.modelCalls += 1;
      state.tokens = { input: state.tokens.input + event.data.inputTokens, output: state.tokens.output + event.data.outputTokens };
      currentNode(state).activity.push({ type: 'model-call', seq: event.seq, data: event.data });
      return;
    case 'tool-call': {
      currentNode(state).activity.push({ type: 'tool-call', seq: event.seq, data: event.data });
      const edit = editOf(event.seq, event.data);
      if (edit) state.edits.push(edit);
      return;
    }
    case 'command-start':
      currentNode(state).activity.push({ type: 'command', seq: event.seq, command: event.data.command, end: undefined });
      return;
    case 'command-end': {
      const activity = currentNode(state).activity;
      const open = activity.findIndex((item) => item.type === 'command' && item.end === undefined && item.command === event.data.command);
      const item: Activity = { type: 'command', seq: open >= 0 ? (activity[open]?.seq ?? event.seq) : event.seq, command: event.data.command, end: event.data };
      if (open >= 0) activity[open] = item;
      else activity.push(item);
      return;
    }
    default: {
      if (event.type === 'check-end') state.checks.push(event.data);
      if (event.type === 'guardrail-check') state.guardrail = event.data;
      const note = noteOf(event);
      if (note) currentNode(state).activity.push({ type: 'note', seq: event.seq, ...note });
    }
  }
}

/** Adds one event to the task's state (events at or before `lastSeq` are ignored: a resumed stream may repeat none, but a reload may). */
export function foldEvent(previous: TaskActivity, event: TaskEvent): TaskActivity {
  if (event.seq <= previous.lastSeq) return previous;
  const state: TaskActivity = { ...previous, lastSeq: event.seq, nodes: previous.nodes.map((run) => ({ ...run, activity: [...run.activity] })), checks: [...previous.checks], edits: [...previous.edits] };
  switch (event.type) {
    case 'task-queue':
      return { ...state, status: 'queued', request: event.data.request };
    case 'task-start':
      return { ...state, status: 'running' };
    case 'task-cancel':
      return state;
    case 'task-retry': {
      // The worker was lost: the task runs again from a clean worktree, so the lost attempt's timeline gives way to the new one.
      const note: Activity = { type: 'note', seq: event.seq, text: `attempt ${event.data.attempt}: ${event.data.reason}`, tone: 'warn' };
      const setup: NodeRun = { key: setupKey, node: 'setup', kind: 'deterministic', round: 0, status: undefined, outcome: undefined, durationMs: undefined, note: undefined, activity: [note] };
      return { ...emptyActivity(), lastSeq: state.lastSeq, status: 'running', request: state.request, nodes: [setup] };
    }
    case 'task-end':
      return { ...state, status: event.data.status, result: event.data.result, error: event.data.error };
    case 'run-start':
      return { ...state, run: event.data };
    default:
      foldAgentEvent(state, event);
      return state;
  }
}
