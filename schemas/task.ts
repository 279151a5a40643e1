import { Type, type Static } from '@sinclair/typebox';
import { PublishRequest, Publication, TaskSource } from './forge.js';
import { Review, ReviewPolicy } from './review.js';
import type { AgentEmit } from './task-events.js';

/** The largest earlier diff a follow-up carries into its context, in characters (a longer one is cut in the middle). */
export const maxEarlierDiff = 20_000;

/**
 * "Continue on branch X from commit Y": a follow-up run works on the earlier run's branch,
 * starting at its last commit (checked when the run starts: the branch must still point
 * there), and commits on top. The earlier prompt, diff and summaries go into the context.
 * `POST /v1/tasks/:id/follow-ups` fills it in from the earlier task.
 */
export const TaskContinuation = Type.Object(
  {
    task: Type.String({ minLength: 1, maxLength: 200, description: 'id of the earlier task' }),
    branch: Type.String({ minLength: 1, maxLength: 255, description: 'the branch the earlier run committed on' }),
    commit: Type.String({ pattern: '^[0-9a-f]{40}([0-9a-f]{24})?$', description: 'the commit the follow-up starts from: the tip of the branch' }),
    prompt: Type.String({ maxLength: 20000, description: 'the earlier prompt' }),
    diff: Type.String({ maxLength: maxEarlierDiff + 200, description: 'the earlier diff, bounded' }),
    summaries: Type.Array(Type.String({ maxLength: 4000 }), { maxItems: 20, description: "the earlier run's finish summaries" }),
  },
  { additionalProperties: false },
);
export type TaskContinuation = Static<typeof TaskContinuation>;

/** A task in plain words for a minion (`POST /v1/tasks`, `minions run`). */
export const TaskRequest = Type.Object(
  {
    repo: Type.String({ minLength: 1, maxLength: 4096, description: 'path of a registered repository' }),
    prompt: Type.String({ minLength: 1, maxLength: 20000 }),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Ollama model for the agentic nodes' })),
    blueprint: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'blueprint name (default: "default")' })),
    base: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'git ref the branch starts from (default HEAD)' })),
    maxFixRounds: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    numCtx: Type.Optional(Type.Integer({ minimum: 512, maximum: 1_048_576, description: 'num_ctx sent to Ollama (default: the num_ctx of the Modelfile, else the context of the model up to 32768)' })),
    allowProtectedPaths: Type.Optional(Type.Boolean()),
    fromWorkingTree: Type.Optional(
      Type.Boolean({ description: "start from HEAD plus the uncommitted changes of the user's checkout (committed first on the task's branch); not with another base" }),
    ),
    temperature: Type.Optional(Type.Number({ minimum: 0, maximum: 2, description: "sampling temperature of the agent's model (default: the Modelfile's, else 0.2)" })),
    continueFrom: Type.Optional(TaskContinuation),
    publish: Type.Optional(PublishRequest),
    source: Type.Optional(TaskSource),
    review: Type.Optional(Type.Boolean({ description: "a second model reviews the change after its checks pass (default: the server's setting; on when a review model is set)" })),
    reviewModel: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: "the reviewer's Ollama model (turns review on; default: the server's review model, else the task's model)" })),
    reviewPolicy: Type.Optional(Type.Union(ReviewPolicy.anyOf, { description: "what severe findings do: fix (one more fix round, default) or stop (delivery stopped, committed for a human)" })),
  },
  { additionalProperties: false },
);
export type TaskRequest = Static<typeof TaskRequest>;

/** A follow-up of a finished task (`POST /v1/tasks/:id/follow-ups`): more to do on its branch. */
export const FollowUpRequest = Type.Object(
  {
    prompt: Type.String({ minLength: 1, maxLength: 20000 }),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Ollama model (default: the earlier task\'s)' })),
  },
  { additionalProperties: false },
);
export type FollowUpRequest = Static<typeof FollowUpRequest>;

/** Where a task is in its life. `interrupted`: the process died while it ran. */
export const TaskStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
  Type.Literal('interrupted'),
]);
export type TaskStatus = Static<typeof TaskStatus>;

/**
 * How a check is judged against the base commit: `passed` (exit 0), `failed` (the change
 * broke something: blocking), `failed-before` (it fails, but no worse than at the base:
 * not blocking), `unavailable` (its tool is not installed: not blocking).
 */
export const CheckStatus = Type.Union([Type.Literal('passed'), Type.Literal('failed'), Type.Literal('failed-before'), Type.Literal('unavailable')]);
export type CheckStatus = Static<typeof CheckStatus>;

/** One check the minion ran (formatter, linter, tests) and its outcome. */
export const CheckResult = Type.Object({
  name: Type.String(),
  command: Type.String(),
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  passed: Type.Boolean({ description: 'the command exited 0 (kept for compatibility; `status` is the verdict)' }),
  status: Type.Optional(CheckStatus),
  newFailures: Type.Optional(Type.Array(Type.String(), { description: 'failing tests that did not fail (or failed otherwise) at the base' })),
  preexisting: Type.Optional(Type.Array(Type.String(), { description: 'failing tests that failed the same way at the base' })),
  nowPassing: Type.Optional(Type.Array(Type.String(), { description: 'tests that failed at the base and pass now' })),
  durationMs: Type.Number(),
  output: Type.String({ description: 'truncated combined output' }),
});
export type CheckResult = Static<typeof CheckResult>;

/** What a finished task hands back. */
export const TaskResult = Type.Object({
  outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]),
  reason: Type.Optional(Type.String()),
  branch: Type.Union([Type.String(), Type.Null()], { description: 'the branch holding the change; null when the run committed nothing (no branch is left behind)' }),
  commit: Type.Union([Type.String(), Type.Null()]),
  diff: Type.String(),
  prTitle: Type.String(),
  prBody: Type.String(),
  checks: Type.Array(CheckResult),
  guardrails: Type.Object({ passed: Type.Boolean(), violations: Type.Array(Type.String()) }),
  rounds: Type.Integer(),
  tokens: Type.Object({ input: Type.Integer(), output: Type.Integer() }),
  wallMs: Type.Number(),
  checkout: Type.Optional(
    Type.Object({
      uncommitted: Type.Array(Type.String(), { description: "paths with uncommitted changes in the user's checkout when the task started" }),
      included: Type.Boolean({ description: 'whether the task started from them (fromWorkingTree) or from the commit alone' }),
    }),
  ),
  notCommitted: Type.Optional(Type.Array(Type.String(), { description: 'untracked files that commands created (build output, caches): left out of the commit' })),
  warnings: Type.Optional(Type.Array(Type.String(), { description: 'what a reviewer should know, e.g. that only test files changed on a behaviour fix' })),
  summaries: Type.Optional(Type.Array(Type.String(), { description: "the model's finish summaries, round by round (a follow-up reads them)" })),
  review: Type.Optional(Review),
  publication: Type.Optional(Publication),
});
export type TaskResult = Static<typeof TaskResult>;

/** A task as the API returns it: the fold of its events. */
export const Task = Type.Object({
  id: Type.String(),
  request: TaskRequest,
  status: TaskStatus,
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  endedAt: Type.Optional(Type.String()),
  result: Type.Optional(TaskResult),
  error: Type.Optional(Type.String()),
  followUpOf: Type.Optional(Type.String({ description: 'the task this one follows up (it continues on its branch)' })),
  followUps: Type.Optional(Type.Array(Type.String(), { description: 'the follow-ups of this task, oldest first' })),
});
export type Task = Static<typeof Task>;

/**
 * The agent as the server sees it: runs one task, reporting its typed events (`AgentEvent`), until done or aborted.
 * `attempt` (default 1) counts runs of the same task: a queue retries one whose worker was lost, and a retry
 * starts the task's own branch again from a clean worktree instead of opening a second branch.
 */
export interface TaskRunner {
  run(task: { id: string; request: TaskRequest; root: string; attempt?: number }, context: { signal: AbortSignal; emit: AgentEmit }): Promise<TaskResult>;
}
