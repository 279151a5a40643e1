// The figures of a suite run: per model (success rate by verification, the agent's own
// verdicts, fix rounds, tokens, wall time), each model against the baseline (tasks newly
// failing or passing, and whether the rate fell by more than the threshold), as JSON and
// as a table for people.
import { readFile } from 'node:fs/promises';
import { EvalReport, MinionsError, type EvalComparison, type EvalModelSummary, type EvalRun } from '../../schemas/index.js';
import { checkRequest } from '../validation.js';
import type { EvalIndexMode } from './run-suite.js';

/** The figures of one model's runs. */
export function summarise(model: string, runs: readonly EvalRun[]): EvalModelSummary {
  const own = runs.filter((run) => run.model === model);
  const verified = own.filter((run) => run.verified).length;
  return {
    model,
    tasks: own.length,
    verified,
    successRate: own.length === 0 ? 0 : verified / own.length,
    agentSucceeded: own.filter((run) => run.outcome === 'succeeded').length,
    fixRounds: own.reduce((sum, run) => sum + run.rounds, 0),
    tokens: { input: own.reduce((sum, run) => sum + run.tokens.input, 0), output: own.reduce((sum, run) => sum + run.tokens.output, 0) },
    wallMs: own.reduce((sum, run) => sum + run.wallMs, 0),
  };
}

/**
 * A model against the baseline: the baseline's runs of the same model, or, when the
 * baseline holds one model only, that one (the usual gate: a new model against the
 * current one). Only tasks both ran are compared; the rates are over those tasks.
 */
export function compare(model: string, runs: readonly EvalRun[], baseline: EvalReport, threshold: number): EvalComparison | undefined {
  const baselineModels = [...new Set(baseline.runs.map((run) => run.model))];
  const baselineModel = baselineModels.includes(model) ? model : baselineModels.length === 1 ? baselineModels[0] : undefined;
  if (baselineModel === undefined) return undefined;
  const before = new Map(baseline.runs.filter((run) => run.model === baselineModel).map((run) => [run.task, run.verified]));
  const now = runs.filter((run) => run.model === model && before.has(run.task));
  if (now.length === 0) return undefined;
  const rate = (values: boolean[]): number => values.filter(Boolean).length / values.length;
  const successRate = rate(now.map((run) => run.verified));
  const baselineRate = rate(now.map((run) => before.get(run.task) === true));
  return {
    model,
    baselineModel,
    baselineRate,
    successRate,
    newlyFailing: now.filter((run) => before.get(run.task) === true && !run.verified).map((run) => run.task),
    newlyPassing: now.filter((run) => before.get(run.task) === false && run.verified).map((run) => run.task),
    // A tiny epsilon: rates are fractions of small counts, and 2/3 - 1/3 must not exceed a threshold of 1/3.
    regressed: baselineRate - successRate > threshold + 1e-9,
  };
}

/** The report of a suite run, compared with the baseline when there is one. */
export function buildReport(suite: string, index: EvalIndexMode, models: readonly string[], runs: readonly EvalRun[], threshold: number, baseline?: EvalReport): EvalReport {
  const comparisons = baseline === undefined ? [] : models.flatMap((model) => compare(model, runs, baseline, threshold) ?? []);
  return { suite, index, threshold, models: models.map((model) => summarise(model, runs)), runs: [...runs], comparisons, regressed: comparisons.some((entry) => entry.regressed) };
}

/** Reads a report written by `--out` as a baseline. */
export async function readBaseline(path: string): Promise<EvalReport> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new MinionsError('invalid-argument', `Cannot read the baseline ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    checkRequest(EvalReport, value, 'baseline');
  } catch (error) {
    throw new MinionsError('invalid-argument', `The baseline ${path} is not a report of minions eval --out: ${(error as Error).message.replace(/^Invalid baseline: /, '')}`, { cause: error });
  }
  return value;
}

const percent = (rate: number): string => `${(rate * 100).toFixed(0)}%`;
const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(1)} s`;

/** Lays out rows as columns padded to their widest cell. */
function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_cell, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n');
}

/** The report for people: per task and model, per model, and the comparison with the baseline. */
export function renderReport(report: EvalReport): string {
  const models = report.models.map((entry) => entry.model);
  const tasks = [...new Set(report.runs.map((run) => run.task))];
  const cell = (task: string, model: string): string => {
    const run = report.runs.find((entry) => entry.task === task && entry.model === model);
    return run === undefined ? '-' : `${run.verified ? 'pass' : 'FAIL'} (agent: ${run.outcome}, ${run.rounds} fix)`;
  };
  const lines = [`Suite ${report.suite} (index: ${report.index})`, '', table([['task', ...models], ...tasks.map((task) => [task, ...models.map((model) => cell(task, model))])]), ''];
  const header = ['model', 'verified', 'rate', 'agent ok', 'fix rounds', 'tokens in', 'tokens out', 'wall'];
  lines.push(table([header, ...report.models.map((entry) => [entry.model, `${entry.verified}/${entry.tasks}`, percent(entry.successRate), String(entry.agentSucceeded), String(entry.fixRounds), String(entry.tokens.input), String(entry.tokens.output), seconds(entry.wallMs)])]));
  for (const entry of report.comparisons) {
    const names = (label: string, list: readonly string[]): string => (list.length === 0 ? '' : `; ${label}: ${list.join(', ')}`);
    const verdict = entry.regressed ? `REGRESSED beyond the threshold of ${percent(report.threshold)}` : 'no regression';
    lines.push('', `${entry.model} vs baseline ${entry.baselineModel}: ${percent(entry.successRate)} (was ${percent(entry.baselineRate)}), ${verdict}${names('newly failing', entry.newlyFailing)}${names('newly passing', entry.newlyPassing)}`);
  }
  return `${lines.join('\n')}\n`;
}
