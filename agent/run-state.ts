// The state one run accumulates as its nodes execute; the runner turns it into the TaskResult.
import type { EarlierAttempt } from './workspace/retry-attempt.js';
import type { CheckResult, Publication, Review, TaskRequest } from '../schemas/index.js';
import type { CheckPlan } from './checks/discover.js';
import type { BaselineCheck } from './checks/judge.js';
import type { RuleFile } from './context/rules.js';
import type { GuardrailVerdict } from './guardrails.js';
import type { ConfigEntry, GitLocation } from './workspace/git-guard.js';

/** One finish summary: which node wrote it, in which fix round (0 for implement), and its text. */
export interface WorkSummary {
  node: string;
  round: number;
  text: string;
}

/** Everything the nodes of one run share. Nodes write their part; later nodes read it. */
export interface RunState {
  taskId: string;
  request: TaskRequest;
  /** The user's repository (its top folder) and the commit the branch starts from. */
  repoRoot: string;
  base: string;
  baseCommit: string;
  branch: string;
  /** The worktree (a real path) once prepare has made it. */
  worktree: string | undefined;
  /** The worktree's git metadata as prepare verified it; every later git call on the worktree uses it. */
  git: GitLocation | undefined;
  /** The configuration git read right after prepare, to tell whether anything changed it during the run. */
  gitConfig: ConfigEntry[];
  /** Top-level entries linked from the user's checkout (dependencies), never staged. */
  linked: string[];
  /** Tracked paths at the base. */
  tracked: string[];
  rules: RuleFile[];
  filesInPlay: string[];
  /** The task prompt with rules and retrieved code, for the implement node. */
  contextText: string;
  checkPlan: CheckPlan | undefined;
  /** The lint and test checks on the base commit (undefined when none ran): what failed before the change. */
  baseline: BaselineCheck[] | undefined;
  checks: CheckResult[];
  checksPassed: boolean | undefined;
  failures: string;
  /** Fix rounds started. */
  rounds: number;
  /** What the next fix round repairs: the failing checks, or the review's severe findings (both in `failures`). */
  fixFocus: 'checks' | 'review';
  /** The latest review of the change (undefined when review is off or never ran). */
  review: Review | undefined;
  /** The model's own account of its work: the summary of each finish call, by node and fix round (never a stop reason). */
  summaries: WorkSummary[];
  tokens: { input: number; output: number };
  commit: string | null;
  diff: string;
  prTitle: string;
  prBody: string;
  guardrails: GuardrailVerdict | undefined;
  /** Uncommitted paths of the user's checkout at the start, and whether the base is a snapshot that includes them. */
  checkout: { uncommitted: string[]; included: boolean };
  /** Set by clean-up when the run committed nothing: the branch is gone. */
  branchDeleted: boolean;
  /** Paths the model's file tools wrote, created, deleted or moved: staged even when untracked. */
  touched: Set<string>;
  /** Paths the checks' autofixes (format, fix) added to the changes: staged too. */
  autofixed: Set<string>;
  /** Untracked files commands created (build output, caches), left out of the commit. */
  notCommitted: string[];
  /** What a reviewer should know (e.g. only test files changed on a behaviour fix). */
  warnings: string[];
  /** Set when something went wrong; deliver still reports the branch honestly. */
  failure: string | undefined;
  /** What publish pushed and opened on the forge (or why it failed); undefined when it did not run. */
  publication?: Publication;
  /** On a retry (attempt 2 and up): what the earlier attempt left on the task's branch; prepare starts it again clean, deliver reuses its commit when the change is the same. */
  retry: EarlierAttempt | undefined;
}

/** A fresh state for a task. */
export function initialState(taskId: string, request: TaskRequest, repoRoot: string, branch: string, baseCommit: string): RunState {
  return {
    taskId,
    request,
    repoRoot,
    base: request.base ?? 'HEAD',
    baseCommit,
    branch,
    worktree: undefined,
    git: undefined,
    gitConfig: [],
    linked: [],
    tracked: [],
    rules: [],
    filesInPlay: [],
    contextText: request.prompt,
    checkPlan: undefined,
    baseline: undefined,
    checks: [],
    checksPassed: undefined,
    failures: '',
    rounds: 0,
    fixFocus: 'checks',
    review: undefined,
    summaries: [],
    tokens: { input: 0, output: 0 },
    commit: null,
    diff: '',
    prTitle: '',
    prBody: '',
    guardrails: undefined,
    checkout: { uncommitted: [], included: false },
    branchDeleted: false,
    touched: new Set(),
    autofixed: new Set(),
    notCommitted: [],
    warnings: [],
    failure: undefined,
    retry: undefined,
  };
}
