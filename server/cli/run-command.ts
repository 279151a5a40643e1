// `minions run --repo <path> "<task>"`: one task through the agent, with live progress
// on stderr and the result (branch, commit, checks, PR title) on stdout.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError, type TaskRequest, type TaskResult } from '../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../agent-wiring.js';
import { loadConfig, privacyFlag, privacyOptions, type ConfigOptions } from '../config.js';
import { openCodeIndex } from '../runtime.js';
import { printAgentEvent } from './agent-progress.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { runUsage } from './usage.js';

/** Parses the options into a task request. */
function taskRequest(argv: readonly string[], cwd: string): { request: TaskRequest; json: boolean; config: ConfigOptions; temperature: string | undefined; numCtx: string | undefined } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      repo: { type: 'string' },
      model: { type: 'string' },
      temperature: { type: 'string' },
      base: { type: 'string' },
      'max-fix-rounds': { type: 'string' },
      'num-ctx': { type: 'string' },
      'allow-protected-paths': { type: 'boolean', default: false },
      'from-working-tree': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      embedder: { type: 'string' },
      ...privacyOptions,
    },
  });
  const prompt = positionals.join(' ').trim();
  if (values.repo === undefined || prompt === '') throw new MinionsError('invalid-argument', `Usage: ${runUsage}`);
  const rounds = values['max-fix-rounds'] === undefined ? undefined : Number(values['max-fix-rounds']);
  if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 0 && rounds <= 10)) throw new MinionsError('invalid-argument', '--max-fix-rounds must be an integer from 0 to 10.');
  const request: TaskRequest = {
    repo: resolve(cwd, values.repo),
    prompt,
    ...(values.model ? { model: values.model } : {}),
    ...(values.base ? { base: values.base } : {}),
    ...(rounds === undefined ? {} : { maxFixRounds: rounds }),
    ...(values['allow-protected-paths'] ? { allowProtectedPaths: true } : {}),
    ...(values['from-working-tree'] ? { fromWorkingTree: true } : {}),
  };
  return { request, json: values.json, temperature: values.temperature, numCtx: values['num-ctx'], config: { dataDir: values['data-dir'], embedder: values.embedder, privacy: privacyFlag(values), allowNetworkCommands: values['allow-network-commands'], allowUnsandboxedCommands: values['allow-unsandboxed-commands'] } };
}

/** Runs the task; exit code 0 when it succeeded, 1 when it failed (the reason is printed). */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { request, json, config: options, temperature, numCtx } = taskRequest(argv, io.cwd);
  const config = loadConfig(io.env, options, io.cwd);
  const settings = loadAgentSettings(io.env, config, { temperature, numCtx });
  const index = await openCodeIndex(config);
  try {
    const runner = createRunner(settings, index, io.env);
    const id = randomUUID().slice(0, 8);
    const result = await runner.run({ id, request, root: request.repo }, { signal: io.signal, emit: (event) => printAgentEvent(io.stderr, event) });
    await write(io.stdout, json ? `${JSON.stringify(result, null, 2)}\n` : describeResult(result, request.repo));
    return result.outcome === 'succeeded' ? 0 : 1;
  } finally {
    await index.close();
  }
}

/** One check of the summary: `passed`, `FAILED` (new failures), `failed before` (no worse than the base), `unavailable`. */
function checkSummary(check: TaskResult['checks'][number]): string {
  const word = check.status === 'failed-before' ? 'failed before' : check.status === 'unavailable' ? 'unavailable' : check.passed ? 'passed' : 'FAILED';
  const preexisting = check.preexisting !== undefined && check.preexisting.length > 0 ? ` (failing before the change: ${check.preexisting.join(', ')})` : '';
  return `  ${word}  ${check.command}${preexisting}`;
}

function describeResult(result: TaskResult, repo: string): string {
  const checks = result.checks.map(checkSummary).join('\n');
  const lines = [
    `${result.outcome === 'succeeded' ? 'Succeeded' : 'Failed'}${result.reason ? `: ${result.reason}` : ''}`,
    `Branch: ${result.branch === null ? 'none (nothing committed, so none was left behind)' : `${result.branch}${result.commit ? ` (commit ${result.commit.slice(0, 12)})` : ' (nothing committed)'}`}`,
    `PR title: ${result.prTitle || '-'}`,
    `Checks:${checks === '' ? ' none' : `\n${checks}`}`,
    `Guardrails: ${result.guardrails.passed ? 'passed' : result.guardrails.violations.join('; ') || 'not run'}`,
    `Fix rounds: ${result.rounds}; tokens: ${result.tokens.input} in / ${result.tokens.output} out; ${(result.wallMs / 1000).toFixed(1)} s`,
    ...(result.warnings ?? []).map((warning) => `Warning: ${warning}`),
    ...(result.notCommitted && result.notCommitted.length > 0 ? [`Not committed (created by commands): ${result.notCommitted.join(', ')}`] : []),
  ];
  if (result.checkout !== undefined) {
    const { uncommitted, included } = result.checkout;
    lines.push(included ? `Started from the working tree: ${uncommitted.length} uncommitted change(s) were committed first on the branch.` : `Not included: ${uncommitted.length} uncommitted change(s) in your checkout (${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? ', …' : ''}); --from-working-tree starts from them.`);
  }
  if (result.commit && result.branch !== null) lines.push(`See the change: git -C ${JSON.stringify(repo)} show ${result.branch}`);
  return `${lines.join('\n')}\n`;
}

