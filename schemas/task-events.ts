// What happens during a task, as one typed stream: the lifecycle events the server's
// task store writes and the events the agent emits. The same union is validated by
// the store, folded into a task's state, streamed as Server-Sent Events, documented in
// the OpenAPI document and printed by the CLI.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ContextSectionKind } from './context.js';
import { ForgeKind } from './forge.js';
import { Review } from './review.js';
import { CheckResult, CheckStatus, TaskRequest, TaskResult, TaskStatus } from './task.js';

/** One event shape: a literal `type` and its `data`. */
function event<T extends string, D extends TSchema>(type: T, data: D) {
  return Type.Object({ type: Type.Literal(type), data });
}

const nodeKind = Type.Union([Type.Literal('deterministic'), Type.Literal('agentic')]);
const node = Type.String({ description: 'the blueprint node that emitted the event' });

/** The kinds of checks, in the order they run. */
export const CheckKind = Type.Union([Type.Literal('format'), Type.Literal('fix'), Type.Literal('lint'), Type.Literal('related-test'), Type.Literal('test')]);
export type CheckKind = Static<typeof CheckKind>;

/** Every event the agent emits while it runs a task (what a `TaskRunner` reports). */
export const AgentEvent = Type.Union([
  event('run-start', Type.Object({ taskId: Type.String(), repo: Type.String(), base: Type.String(), branch: Type.String(), models: Type.Record(Type.String(), Type.String()), blueprint: Type.String() })),
  event('node-start', Type.Object({ node, kind: nodeKind, round: Type.Integer() })),
  event(
    'node-end',
    Type.Object({
      node,
      kind: nodeKind,
      round: Type.Integer(),
      status: Type.String(),
      outcome: Type.Optional(Type.String({ description: 'the outcome label the blueprint routed on (logs written before routing labels lack it)' })),
      durationMs: Type.Number(),
      note: Type.Optional(Type.String()),
    }),
  ),
  event(
    'network-check',
    Type.Object(
      { isolated: Type.Boolean(), method: Type.Union([Type.String(), Type.Null()]), loopback: Type.Boolean(), allowed: Type.Boolean(), note: Type.String() },
      { description: "how the run's commands reach the network: isolated in a namespace, or not (and whether that was allowed)" },
    ),
  ),
  event('worktree-create', Type.Object({ path: Type.String(), branch: Type.String(), base: Type.String(), commit: Type.String() })),
  event(
    'checkout-check',
    Type.Object({
      uncommitted: Type.Array(Type.String(), { description: "paths with uncommitted changes in the user's checkout (when the task starts from HEAD)" }),
      included: Type.Boolean({ description: 'true when the task starts from a snapshot of the working tree (fromWorkingTree)' }),
      commit: Type.String({ description: 'the commit the branch starts from' }),
    }),
  ),
  event(
    'worktree-remove',
    Type.Object({
      path: Type.String(),
      branchKept: Type.Union([Type.String(), Type.Null()], { description: 'null when the run committed nothing and its branch was deleted' }),
      branchDeleted: Type.Optional(Type.String()),
    }),
  ),
  event(
    'context-gather',
    Type.Object({
      rules: Type.Array(Type.String()),
      files: Type.Array(Type.String()),
      snippets: Type.Integer(),
      tokens: Type.Integer(),
      search: Type.Union([Type.Literal('used'), Type.Literal('unavailable'), Type.Literal('empty')]),
      /** The first prompt's sections in order, each with its token count (`minions context` shows their text). */
      sections: Type.Optional(Type.Array(Type.Object({ kind: ContextSectionKind, tokens: Type.Integer() }))),
      note: Type.Optional(Type.String()),
    }),
  ),
  event(
    'model-call',
    Type.Object({
      node,
      step: Type.Integer(),
      model: Type.String(),
      digest: Type.String(),
      inputTokens: Type.Integer(),
      estimatedTokens: Type.Optional(Type.Integer({ description: "the agent's calibrated estimate of the prompt (inputTokens is Ollama's count)" })),
      outputTokens: Type.Integer(),
      latencyMs: Type.Number(),
      firstTokenMs: Type.Optional(Type.Number({ description: 'time from the request to the first streamed content or tool call (absent when none streamed)' })),
      loadMs: Type.Number(),
      toolCalls: Type.Array(Type.String()),
      toolCallSource: Type.Union([Type.Literal('native'), Type.Literal('text'), Type.Literal('none')]),
      doneReason: Type.String(),
      content: Type.String(),
    }),
  ),
  event(
    'model-retry',
    Type.Object(
      {
        node,
        model: Type.String(),
        attempt: Type.Integer({ description: 'the attempt that failed (1-based)' }),
        attempts: Type.Integer({ description: 'attempts allowed in all' }),
        kind: Type.String({ description: 'busy, runner-crashed, tool-call-parse, stream-error, connection-lost or connection-refused' }),
        reason: Type.String({ description: "Ollama's words for the failure" }),
        delayMs: Type.Number({ description: 'the wait before the next attempt' }),
      },
      { description: 'a model request failed for a passing reason and is tried again' },
    ),
  ),
  event(
    'model-load',
    Type.Union([
      Type.Object({ model: Type.String(), phase: Type.Literal('start') }),
      Type.Object({ model: Type.String(), phase: Type.Literal('end'), durationMs: Type.Number(), alreadyLoaded: Type.Union([Type.Boolean(), Type.Null()], { description: 'whether Ollama had the model loaded already; null when it did not say' }) }),
    ], { description: 'the model being loaded into memory during prepare: when it starts, and how long it took' }),
  ),
  event('tool-call', Type.Object({ node, step: Type.Integer(), tool: Type.String(), arguments: Type.String(), ok: Type.Boolean(), durationMs: Type.Number(), result: Type.String() })),
  event(
    'command-sandbox',
    Type.Object(
      {
        node,
        command: Type.String(),
        method: Type.Union([Type.Literal('bwrap'), Type.Literal('none')]),
        networkIsolated: Type.Boolean(),
        pidNamespace: Type.Boolean(),
        capabilitiesDropped: Type.Boolean(),
        memoryCapBytes: Type.Integer({ description: 'RLIMIT_DATA of the command; 0 for none' }),
        writable: Type.Array(Type.String(), { description: 'the paths the command may write (besides its private /tmp)' }),
      },
      { description: 'how the next command runs: in the bubblewrap sandbox, or unsandboxed (allowed explicitly)' },
    ),
  ),
  event('command-start', Type.Object({ node, command: Type.String(), pid: Type.Union([Type.Integer(), Type.Null()]) })),
  event(
    'command-end',
    Type.Object({
      node,
      command: Type.String(),
      exitCode: Type.Union([Type.Integer(), Type.Null()]),
      signal: Type.Union([Type.String(), Type.Null()]),
      timedOut: Type.Boolean(),
      durationMs: Type.Number(),
      output: Type.String({ description: 'truncated combined output' }),
    }),
  ),
  event('loop-detect', Type.Object({ node, tool: Type.String(), arguments: Type.String(), repeats: Type.Integer(), action: Type.Union([Type.Literal('warn'), Type.Literal('stop')]) })),
  event(
    'context-trim',
    Type.Object(
      {
        node,
        step: Type.Integer(),
        reason: Type.Union([Type.Literal('budget'), Type.Literal('truncated'), Type.Literal('rejected')], { description: 'budget: fitted before sending; truncated: Ollama reported a prompt at num_ctx; rejected: Ollama refused it as too long' }),
        numCtx: Type.Integer(),
        limitTokens: Type.Integer({ description: 'the prompt budget: num_ctx minus the reply budget, tighter on each retry' }),
        estimatedTokens: Type.Integer({ description: 'the calibrated estimate of the prompt sent (budget) or refused (truncated, rejected)' }),
        reportedTokens: Type.Union([Type.Integer(), Type.Null()], { description: 'prompt_eval_count of a truncated turn' }),
        elidedOutputs: Type.Integer(),
        droppedTurns: Type.Integer(),
        shrunk: Type.Boolean(),
        retry: Type.Integer({ description: 'overflow retries of this turn so far' }),
      },
      { description: 'the conversation was fitted into the context, or a turn is retried after an overflow' },
    ),
  ),
  event('limit-reach', Type.Object({ node, limit: Type.Union([Type.Literal('steps'), Type.Literal('tokens')]), value: Type.Number() })),
  event(
    'checks-discover',
    Type.Object({
      source: Type.String(),
      format: Type.Array(Type.String()),
      fix: Type.Array(Type.String()),
      lint: Type.Array(Type.String()),
      test: Type.Array(Type.String()),
      related: Type.Array(Type.String()),
    }),
  ),
  event(
    'checks-baseline',
    Type.Object(
      {
        commit: Type.String(),
        cached: Type.Boolean({ description: 'taken from the cache of an earlier task on the same commit and checks' }),
        durationMs: Type.Number(),
        results: Type.Array(Type.Object({ kind: CheckKind, command: Type.String(), exitCode: Type.Union([Type.Integer(), Type.Null()]), status: CheckStatus, failing: Type.Array(Type.String()) })),
      },
      { description: 'the lint and test checks on the base commit, before the model edits: what already failed there' },
    ),
  ),
  event('check-end', Type.Composite([CheckResult, Type.Object({ kind: CheckKind })])),
  event('guardrail-check', Type.Object({ passed: Type.Boolean(), violations: Type.Array(Type.String()), files: Type.Integer(), lines: Type.Integer() })),
  event('commit-create', Type.Object({ branch: Type.String(), commit: Type.String(), message: Type.String(), reused: Type.Optional(Type.Boolean({ description: "a retried task kept its earlier attempt's commit of the same change" })) })),
  event('publish-push', Type.Object({ remote: Type.String({ description: 'the remote URL without credentials' }), branch: Type.String(), commit: Type.String(), alreadyPresent: Type.Boolean() })),
  event('publish-pull-request', Type.Object({ forge: ForgeKind, url: Type.String(), number: Type.Integer(), draft: Type.Boolean(), created: Type.Boolean() })),
  event('review-start', Type.Object({ model: Type.String(), round: Type.Integer(), files: Type.Integer(), diffTokens: Type.Integer({ description: 'estimated tokens of the diff as the reviewer sees it' }), cut: Type.Array(Type.String(), { description: 'files whose diff was cut to fit the context' }) })),
  event('review-end', Type.Object({ round: Type.Integer(), review: Review })),
  event(
    'run-end',
    Type.Object({
      outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('cancelled')]),
      reason: Type.Optional(Type.String()),
      branch: Type.Union([Type.String(), Type.Null()], { description: 'null when the run committed nothing (its branch is deleted)' }),
      commit: Type.Union([Type.String(), Type.Null()]),
      rounds: Type.Integer(),
      tokens: Type.Object({ input: Type.Integer(), output: Type.Integer() }),
      wallMs: Type.Number(),
      nodes: Type.Array(Type.Object({ node, round: Type.Integer(), status: Type.String(), durationMs: Type.Number() })),
    }),
  ),
]);
export type AgentEvent = Static<typeof AgentEvent>;

/** The events the task store writes itself: a runner never emits these. */
export const TaskLifecycleEvent = Type.Union([
  event('task-queue', Type.Object({ request: TaskRequest, root: Type.String({ description: 'real path of the repository' }) })),
  event('task-start', Type.Object({ worker: Type.Optional(Type.String({ description: 'the queue worker running the task (host:pid), when tasks run on workers' })), attempt: Type.Optional(Type.Integer({ minimum: 1, description: 'the run of the task this is: 2 and up after a worker was lost' })) })),
  event('task-retry', Type.Object({ attempt: Type.Integer({ minimum: 2 }), reason: Type.String() }, { description: 'the worker running the task was lost; the task runs again from a clean worktree (task-start follows)' })),
  event('task-cancel', Type.Object({}, { description: 'a cancel was requested; task-end follows' })),
  event('task-end', Type.Object({ status: TaskStatus, result: Type.Optional(TaskResult), error: Type.Optional(Type.String()) })),
]);
export type TaskLifecycleEvent = Static<typeof TaskLifecycleEvent>;

/** One event of a task's log: lifecycle or agent, with its position and time. */
export const TaskEvent = Type.Intersect(
  [
    Type.Object({
      seq: Type.Integer({ minimum: 1, description: "1-based position in the task's log; the SSE event id" }),
      time: Type.String({ description: 'ISO 8601' }),
    }),
    Type.Union([...TaskLifecycleEvent.anyOf, ...AgentEvent.anyOf]),
  ],
  { description: 'One event of a task: `type` names it (the SSE event name), `data` is its payload' },
);
export type TaskEvent = Static<typeof TaskEvent>;

/** The `data` of each agent event, by type. */
export type AgentEventMap = { [E in AgentEvent as E['type']]: E['data'] };

/** The type names of the agent's events. */
export type AgentEventType = keyof AgentEventMap;

/** How a runner reports an event to the server (or the CLI). */
export type AgentEmit = (event: AgentEvent) => void;

/**
 * Names that task logs written before the events were renamed still use, with the
 * name each one has now; the task log reader maps them when it loads a log.
 */
export const renamedTaskEvents: ReadonlyMap<string, TaskEvent['type']> = new Map([
  ['task-queued', 'task-queue'],
  ['task-started', 'task-start'],
  ['task-cancel-requested', 'task-cancel'],
  ['command', 'command-end'],
  ['command-network', 'network-check'],
  ['context-ready', 'context-gather'],
  ['guardrail-verdict', 'guardrail-check'],
]);
