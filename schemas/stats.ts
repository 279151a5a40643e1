// `GET /v1/stats` (issue 16 part 5): the success metrics of `/metrics` summed up per
// model and blueprint for people and the web UI.
import { Type, type Static } from '@sinclair/typebox';

/** Two percentiles of a duration and how many samples they come from. */
export const Percentiles = Type.Object({
  p50: Type.Number(),
  p95: Type.Number(),
  samples: Type.Integer({ minimum: 0, description: 'the most recent samples kept (at most 1000 per group)' }),
});
export type Percentiles = Static<typeof Percentiles>;

const count = Type.Integer({ minimum: 0 });

/** The figures of a set of tasks and model calls. */
export const StatsSummary = Type.Object({
  tasks: Type.Object({ succeeded: count, failed: count, cancelled: count, interrupted: count, total: count }, { description: 'ended tasks by outcome' }),
  successRate: Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'succeeded / ended tasks; null before any ended' }),
  meanFixRounds: Type.Union([Type.Number(), Type.Null()], { description: 'mean fix rounds of the tasks that handed back a result' }),
  tokens: Type.Object({ input: count, output: count }, { description: 'model tokens of the tasks that handed back a result' }),
  modelCalls: count,
  latencyMs: Type.Union([Percentiles, Type.Null()], { description: 'model call latency (request to last chunk)' }),
  firstTokenMs: Type.Union([Percentiles, Type.Null()], { description: 'time to the first streamed content or tool call' }),
  reviewFindings: Type.Object({ info: count, minor: count, major: count, critical: count }, { description: "the reviewer's findings by severity" }),
});
export type StatsSummary = Static<typeof StatsSummary>;

/** The figures of one model under one blueprint. */
export const StatsGroup = Type.Composite([Type.Object({ model: Type.String(), blueprint: Type.String() }), StatsSummary]);
export type StatsGroup = Static<typeof StatsGroup>;

/**
 * Tasks are counted under the model of their agentic nodes (the run's implement model, else
 * the requested one); model calls under the model that answered them, so a reviewer model
 * has a group of its own.
 */
export const Stats = Type.Object({
  generatedAt: Type.String({ description: 'ISO 8601' }),
  groups: Type.Array(StatsGroup),
  totals: StatsSummary,
});
export type Stats = Static<typeof Stats>;
