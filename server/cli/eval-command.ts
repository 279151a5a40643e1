// `minions eval <suite> --model A [--model B ...]`: the model regression suite. Every task
// runs with every model in a fresh copy, is judged by its hidden verification, and the
// figures are compared with a baseline report: a model whose success rate falls by more
// than the threshold exits 1 (the gate before rolling out a model or a prompt).
// `--check` instead proves each task real: verification failing before, passing with the fix.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError, type EvalRun, type EvalTask } from '../../schemas/index.js';
import { loadAgentSettings } from '../agent-wiring.js';
import { loadConfig, privacyFlag, privacyOptions, type ConfigOptions } from '../config.js';
import { checkSuite, type TaskCheck } from '../eval/check.js';
import { buildReport, readBaseline, renderReport } from '../eval/report.js';
import { runSuite, type EvalIndexMode } from '../eval/run-suite.js';
import { loadSuite } from '../eval/suite.js';
import { createVerificationSandbox } from '../eval/verify.js';
import { configuredEmbedder } from '../runtime.js';
import { readSetting } from '../settings.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { evalUsage } from './usage.js';

const options = {
  model: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  parallel: { type: 'string', default: '1' },
  threshold: { type: 'string', default: '0' },
  index: { type: 'string', default: 'none' },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  check: { type: 'boolean', default: false },
  keep: { type: 'boolean', default: false },
  temperature: { type: 'string' },
  'num-ctx': { type: 'string' },
  'data-dir': { type: 'string' },
  embedder: { type: 'string' },
  ...privacyOptions,
} as const;

type Values = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>['values'];

/** An integer option within bounds, or a usage error naming it. */
function integerOption(text: string, name: string, low: number, high: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < low || value > high) throw new MinionsError('invalid-argument', `${name} must be an integer from ${low} to ${high}, not "${text}".`);
  return value;
}

/** `--threshold`: a fraction from 0 to 1, or a percentage (`5%`). */
function thresholdOption(text: string): number {
  const value = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new MinionsError('invalid-argument', `--threshold must be a fraction from 0 to 1 (or a percentage such as 5%), not "${text}".`);
  return value;
}

function parse(argv: readonly string[]): { suite: string; values: Values } {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options });
  if (positionals.length !== 1 || (!values.check && (values.model ?? []).length === 0)) throw new MinionsError('invalid-argument', `Usage: ${evalUsage}`);
  if (values.index !== 'none' && values.index !== 'full') throw new MinionsError('invalid-argument', `--index must be none or full, not "${values.index}".`);
  return { suite: positionals[0] as string, values };
}

/** Runs the suite (or checks it); exit 0, or 1 when a model regressed (a task is not real, with --check). */
export async function evalCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { suite: suitePath, values } = parse(argv);
  const parallel = integerOption(values.parallel, '--parallel', 1, 64);
  const threshold = thresholdOption(values.threshold);
  const configOptions: ConfigOptions = { dataDir: values['data-dir'], embedder: values.embedder, privacy: privacyFlag(values), allowNetworkCommands: values['allow-network-commands'], allowUnsandboxedCommands: values['allow-unsandboxed-commands'] };
  const config = loadConfig(io.env, configOptions, io.cwd);
  // The agent's settings once, before anything runs: a model host privacy mode refuses or a bad --num-ctx is a usage error, not a failed run per task.
  if (!values.check) for (const model of values.model ?? []) loadAgentSettings(io.env, config, { model, temperature: values.temperature, numCtx: values['num-ctx'] });
  const suite = await loadSuite(resolve(io.cwd, suitePath));
  const baseline = values.baseline === undefined ? undefined : await readBaseline(resolve(io.cwd, values.baseline));
  const sandbox = await createVerificationSandbox({ allowUnsandboxed: config.allowUnsandboxedCommands, memoryCapBytes: readSetting('commandMemoryMb', io.env) * 1024 * 1024, signal: io.signal });
  const workDir = await mkdtemp(join(tmpdir(), 'minions-eval-'));
  if (values.keep) await write(io.stderr, `keeping the copies and data directories in ${workDir}\n`);
  const common = { suite, env: io.env, cacheDir: join(config.dataDir, 'eval-cache'), workDir, signal: io.signal };
  try {
    if (values.check) return await runCheck(await checkSuite({ ...common, sandbox, parallel, onCheck: (check) => void write(io.stderr, describeCheck(check)) }), values.json, io);
    const index = values.index as EvalIndexMode;
    const embedder = index === 'full' ? configuredEmbedder(config) : undefined;
    await write(io.stderr, `eval ${suite.suite.name}: ${suite.suite.tasks.length} task(s) x ${(values.model ?? []).length} model(s), ${parallel} at once, index: ${index}, verification sandbox: ${sandbox.method}\n`);
    try {
      const models = [...new Set(values.model)];
      const runs = await runSuite({
        ...common, models, parallel, index, embedder, config: configOptions, cwd: io.cwd, temperature: values.temperature, numCtx: values['num-ctx'], sandbox, keep: values.keep,
        onStart: (task: EvalTask, model: string) => void write(io.stderr, `  start ${task.id} with ${model}\n`),
        onRun: (run: EvalRun) => void write(io.stderr, `  ${run.verified ? 'pass' : 'FAIL'}  ${run.task} with ${run.model}: agent ${run.outcome}, ${run.rounds} fix round(s), ${(run.wallMs / 1000).toFixed(1)} s${run.reason ? ` (${run.reason.split('\n')[0]})` : ''}\n`),
      });
      const report = buildReport(suite.suite.name, index, models, runs, threshold, baseline);
      if (values.out !== undefined) await writeFile(resolve(io.cwd, values.out), `${JSON.stringify(report, null, 2)}\n`);
      await write(io.stdout, values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      return report.regressed ? 1 : 0;
    } finally {
      await embedder?.close();
    }
  } finally {
    if (!values.keep) await rm(workDir, { recursive: true, force: true });
  }
}

function describeCheck(check: TaskCheck): string {
  const state = (passed: boolean | undefined): string => (passed === undefined ? 'no fix named' : passed ? 'passes' : 'fails');
  return `  ${check.real ? 'real' : 'NOT REAL'}  ${check.task}: verification ${state(check.original.passed)} on the original, ${state(check.fixed?.passed)} with the fix\n`;
}

async function runCheck(checks: TaskCheck[], json: boolean, io: CommandIo): Promise<number> {
  const real = checks.filter((check) => check.real).length;
  const text = json ? `${JSON.stringify({ real, tasks: checks.length, checks }, null, 2)}\n` : `${real} of ${checks.length} task(s) real: verification fails on the original and passes with the published fix.\n`;
  await write(io.stdout, text);
  return real === checks.length ? 0 : 1;
}
