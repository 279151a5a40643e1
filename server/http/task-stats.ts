import type { Percentiles, ReviewSeverity, Stats, StatsSummary, TaskResult, TaskStatus } from '../../schemas/index.js';

/** The model and blueprint a task or a model call is counted under. */
export interface StatsLabels {
  model: string;
  blueprint: string;
}

/** Durations kept per group for the percentiles: the most recent ones. */
const keptSamples = 1000;

interface Group extends StatsLabels {
  tasks: Record<'succeeded' | 'failed' | 'cancelled' | 'interrupted', number>;
  results: number;
  rounds: number;
  tokens: { input: number; output: number };
  modelCalls: number;
  latencyMs: number[];
  firstTokenMs: number[];
  reviewFindings: Record<ReviewSeverity, number>;
}

function emptyGroup(labels: StatsLabels): Group {
  return {
    ...labels,
    tasks: { succeeded: 0, failed: 0, cancelled: 0, interrupted: 0 },
    results: 0,
    rounds: 0,
    tokens: { input: 0, output: 0 },
    modelCalls: 0,
    latencyMs: [],
    firstTokenMs: [],
    reviewFindings: { info: 0, minor: 0, major: 0, critical: 0 },
  };
}

function keep(samples: number[], value: number): void {
  samples.push(value);
  if (samples.length > keptSamples) samples.shift();
}

/** Nearest-rank percentiles of some durations; null for none. */
export function percentiles(samples: readonly number[]): Percentiles | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? 0;
  return { p50: rank(0.5), p95: rank(0.95), samples: sorted.length };
}

function summarize(groups: readonly Group[]): StatsSummary {
  const sum = (pick: (group: Group) => number): number => groups.reduce((total, group) => total + pick(group), 0);
  const tasks = { succeeded: sum((g) => g.tasks.succeeded), failed: sum((g) => g.tasks.failed), cancelled: sum((g) => g.tasks.cancelled), interrupted: sum((g) => g.tasks.interrupted) };
  const total = tasks.succeeded + tasks.failed + tasks.cancelled + tasks.interrupted;
  const results = sum((g) => g.results);
  return {
    tasks: { ...tasks, total },
    successRate: total === 0 ? null : tasks.succeeded / total,
    meanFixRounds: results === 0 ? null : sum((g) => g.rounds) / results,
    tokens: { input: sum((g) => g.tokens.input), output: sum((g) => g.tokens.output) },
    modelCalls: sum((g) => g.modelCalls),
    latencyMs: percentiles(groups.flatMap((g) => g.latencyMs)),
    firstTokenMs: percentiles(groups.flatMap((g) => g.firstTokenMs)),
    reviewFindings: { info: sum((g) => g.reviewFindings.info), minor: sum((g) => g.reviewFindings.minor), major: sum((g) => g.reviewFindings.major), critical: sum((g) => g.reviewFindings.critical) },
  };
}

/**
 * The figures behind `GET /v1/stats`, per model and blueprint: ended tasks by outcome,
 * fix rounds, tokens, review findings, and the recent model latencies and times to the
 * first token (exact percentiles over the last 1000 of each group).
 */
export class TaskStats {
  private readonly groups = new Map<string, Group>();

  /** Counts a task that ended, with its result when it handed one back. */
  taskEnded(labels: StatsLabels, status: TaskStatus, result: TaskResult | undefined): void {
    const group = this.group(labels);
    if (status === 'succeeded' || status === 'failed' || status === 'cancelled' || status === 'interrupted') group.tasks[status]++;
    if (!result) return;
    group.results++;
    group.rounds += result.rounds;
    group.tokens.input += result.tokens.input;
    group.tokens.output += result.tokens.output;
    for (const finding of result.review?.findings ?? []) group.reviewFindings[finding.severity]++;
  }

  /** Counts one model call. */
  modelCalled(labels: StatsLabels, latencyMs: number, firstTokenMs: number | undefined): void {
    const group = this.group(labels);
    group.modelCalls++;
    keep(group.latencyMs, latencyMs);
    if (firstTokenMs !== undefined) keep(group.firstTokenMs, firstTokenMs);
  }

  /** The summary: one entry per model and blueprint (sorted), and the totals. */
  summary(now: Date = new Date()): Stats {
    const groups = [...this.groups.values()].sort((a, b) => a.model.localeCompare(b.model) || a.blueprint.localeCompare(b.blueprint));
    return { generatedAt: now.toISOString(), groups: groups.map((group) => ({ model: group.model, blueprint: group.blueprint, ...summarize([group]) })), totals: summarize(groups) };
  }

  private group(labels: StatsLabels): Group {
    const key = JSON.stringify([labels.model, labels.blueprint]);
    let group = this.groups.get(key);
    if (!group) {
      group = emptyGroup(labels);
      this.groups.set(key, group);
    }
    return group;
  }
}
