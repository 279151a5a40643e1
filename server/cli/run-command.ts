// `minions run --repo <path> "<task>"`: one task through the agent, with live progress
// on stderr and the result (branch, commit, checks, PR title) on stdout.
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MinionsError, type TaskRequest } from '../../schemas/index.js';
import { createPublisher, createRunner, loadAgentSettings, type AgentOptions } from '../agent-wiring.js';
import { reviewFlags, reviewOptions } from './review-options.js';
import { loadConfig, privacyFlag, privacyOptions, type ConfigOptions } from '../config.js';
import { openCodeIndex } from '../runtime.js';
import { printAgentEvent } from './agent-progress.js';
import { describeResult } from './result-output.js';
import type { CommandIo } from './io.js';
import { write } from './output.js';
import { runUsage } from './usage.js';

/** Parses the options into a task request. */
function taskRequest(argv: readonly string[], cwd: string): { request: TaskRequest; json: boolean; config: ConfigOptions; agent: AgentOptions } {
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
      'no-publish': { type: 'boolean', default: false },
      ...reviewOptions,
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
    ...(values['no-publish'] ? { publish: { push: false, pullRequest: false } } : {}),
  };
  return { request, json: values.json, agent: { temperature: values.temperature, numCtx: values['num-ctx'], ...reviewFlags(values) }, config: { dataDir: values['data-dir'], embedder: values.embedder, privacy: privacyFlag(values), allowNetworkCommands: values['allow-network-commands'], allowUnsandboxedCommands: values['allow-unsandboxed-commands'] } };
}

/** Runs the task; exit code 0 when it succeeded, 1 when it failed (the reason is printed). */
export async function runCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { request, json, config: options, agent } = taskRequest(argv, io.cwd);
  const config = loadConfig(io.env, options, io.cwd);
  const settings = loadAgentSettings(io.env, config, agent);
  const index = await openCodeIndex(config);
  try {
    const runner = createRunner(settings, index, io.env, createPublisher(config, io.env));
    const id = randomUUID().slice(0, 8);
    const result = await runner.run({ id, request, root: request.repo }, { signal: io.signal, emit: (event) => printAgentEvent(io.stderr, event) });
    await write(io.stdout, json ? `${JSON.stringify(result, null, 2)}\n` : describeResult(result, request.repo));
    return result.outcome === 'succeeded' ? 0 : 1;
  } finally {
    await index.close();
  }
}
