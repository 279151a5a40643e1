// The model regression suite (`minions eval`): a suite of tasks, each a repository, a
// prompt and a verification the agent never sees, and the report a run of it writes
// (which a later run reads back as its baseline).
import { Type, type Static } from '@sinclair/typebox';

const npmSpec = Type.String({ pattern: '^(@[a-z0-9][\\w.-]*/)?[a-z0-9][\\w.-]*@\\d+\\.\\d+\\.\\d+[\\w.+-]*$', description: 'an exact published version, `name@1.2.3`' });
const integrity = Type.String({ pattern: '^sha512-[A-Za-z0-9+/]{86}==$', description: "the tarball's `dist.integrity` (`npm view name@version dist.integrity`)" });

/** Where a task's repository comes from: a folder beside the suite, a git URL at a commit, or a published npm tarball. */
export const EvalSource = Type.Union([
  Type.Object({ folder: Type.String({ minLength: 1, description: 'a folder, relative to the suite file' }) }, { additionalProperties: false }),
  Type.Object(
    {
      git: Type.String({ minLength: 1, description: 'a URL or path git can clone' }),
      commit: Type.String({ pattern: '^[0-9a-f]{7,40}$', description: 'the commit the task starts from' }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ npm: npmSpec, integrity }, { additionalProperties: false }),
]);
export type EvalSource = Static<typeof EvalSource>;

/** What decides whether a task was done: files written onto the agent's commit, then a command that must exit 0. */
export const EvalVerification = Type.Object(
  {
    files: Type.Record(Type.String({ minLength: 1 }), Type.String({ minLength: 1 }), { description: 'path in the repository -> file relative to the suite file' }),
    command: Type.String({ minLength: 1, description: 'a shell command run in the repository, without network' }),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
  },
  { additionalProperties: false },
);
export type EvalVerification = Static<typeof EvalVerification>;

/** The published fix of a task taken from npm: the newer version and the files it changed (for `minions eval --check`). */
export const EvalFix = Type.Object({ npm: npmSpec, integrity, files: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }) }, { additionalProperties: false });
export type EvalFix = Static<typeof EvalFix>;

/** One task of a suite. */
export const EvalTask = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$', description: 'unique in the suite; names the task in reports and baselines' }),
    repo: EvalSource,
    prompt: Type.String({ minLength: 1, maxLength: 20000 }),
    verify: EvalVerification,
    setup: Type.Optional(Type.String({ minLength: 1, description: 'a shell command run in the copy before its first commit (the suite author\'s, with network)' })),
    maxFixRounds: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    fixedIn: Type.Optional(EvalFix),
  },
  { additionalProperties: false },
);
export type EvalTask = Static<typeof EvalTask>;

/** A suite file. */
export const EvalSuite = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    tasks: Type.Array(EvalTask, { minItems: 1 }),
  },
  { additionalProperties: false },
);
export type EvalSuite = Static<typeof EvalSuite>;

/** One task run by one model, judged by its verification. */
export const EvalRun = Type.Object({
  task: Type.String(),
  model: Type.String(),
  verified: Type.Boolean({ description: 'the verification command exited 0 on the result' }),
  outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('error')], { description: "the agent's own verdict; error: the run did not start or threw" }),
  reason: Type.Optional(Type.String()),
  commit: Type.Union([Type.String(), Type.Null()], { description: 'what was verified: the agent\'s commit, null when it committed nothing (the base was verified)' }),
  rounds: Type.Integer(),
  tokens: Type.Object({ input: Type.Integer(), output: Type.Integer() }),
  wallMs: Type.Number(),
  verification: Type.Object({ exitCode: Type.Union([Type.Integer(), Type.Null()]), durationMs: Type.Number(), output: Type.String() }),
});
export type EvalRun = Static<typeof EvalRun>;

/** A model's figures over the suite. */
export const EvalModelSummary = Type.Object({
  model: Type.String(),
  tasks: Type.Integer(),
  verified: Type.Integer(),
  successRate: Type.Number({ description: 'verified / tasks, 0 to 1' }),
  agentSucceeded: Type.Integer({ description: 'runs the agent itself called succeeded' }),
  fixRounds: Type.Integer({ description: 'fix rounds over all runs' }),
  tokens: Type.Object({ input: Type.Integer(), output: Type.Integer() }),
  wallMs: Type.Number({ description: 'the runs\' wall time added up' }),
});
export type EvalModelSummary = Static<typeof EvalModelSummary>;

/** A model against the baseline's run of the same model (or the baseline's only model). */
export const EvalComparison = Type.Object({
  model: Type.String(),
  baselineModel: Type.String(),
  baselineRate: Type.Number(),
  successRate: Type.Number(),
  newlyFailing: Type.Array(Type.String()),
  newlyPassing: Type.Array(Type.String()),
  regressed: Type.Boolean({ description: 'success rate below the baseline\'s by more than the threshold' }),
});
export type EvalComparison = Static<typeof EvalComparison>;

/** What `minions eval --json` prints and `--out` writes; `--baseline` reads it back. */
export const EvalReport = Type.Object({
  suite: Type.String(),
  index: Type.Union([Type.Literal('none'), Type.Literal('full')]),
  threshold: Type.Number(),
  models: Type.Array(EvalModelSummary),
  runs: Type.Array(EvalRun),
  comparisons: Type.Array(EvalComparison),
  regressed: Type.Boolean(),
});
export type EvalReport = Static<typeof EvalReport>;
