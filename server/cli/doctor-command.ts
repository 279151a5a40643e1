// `minions doctor`: checks what minions needs on this machine and prints, for each, ok,
// warn or fail with the fix. Exit code 1 when anything fails (warnings do not).
import { parseArgs } from 'node:util';
import { MinionsError } from '../../schemas/index.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { checkDisk, checkEmbeddingModel, checkInotify, checkNativeModules, checkNode, checkSandbox, type DoctorCheck } from './doctor-checks.js';
import { checkOllama } from './doctor-ollama.js';
import { checkQueue } from './doctor-queue.js';
import type { CommandIo } from './io.js';
import { column, terminalSafe, write } from './output.js';
import { doctorUsage } from './usage.js';

/** `minions doctor [--json] [--model M]`: every check, then exit 1 if any failed. */
export async function doctorCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, model: { type: 'string' }, ...privacyOptions },
  });
  if (positionals.length > 0) throw new MinionsError('invalid-argument', `Usage: ${doctorUsage}`);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], privacy: privacyFlag(values) }, io.cwd);
  const checks: DoctorCheck[] = [
    checkNode(),
    ...(await checkNativeModules()),
    ...(await checkEmbeddingModel(config, io.signal)),
    ...(await checkOllama(config, io.env, { model: values.model }, io.signal)),
    ...(await checkSandbox(config, io.signal)),
    await checkDisk(config.dataDir),
    await checkInotify(),
    ...(await checkQueue(io.env)),
  ];
  const failed = checks.some((check) => check.status === 'fail');
  if (values.json) {
    await write(io.stdout, `${JSON.stringify({ ok: !failed, checks }, null, 2)}\n`);
  } else {
    const lines = checks.map((check) => `${column(check.status, 5)} ${column(check.name, 18)} ${check.detail}${check.fix === undefined ? '' : `\n${' '.repeat(25)}fix: ${check.fix}`}`);
    const counts = (['fail', 'warn'] as const).map((status) => `${checks.filter((check) => check.status === status).length} ${status === 'fail' ? 'failed' : 'warnings'}`).join(', ');
    await write(io.stdout, terminalSafe(`${lines.join('\n')}\n${failed ? 'Not ready' : 'Ready'}: ${checks.length} checks, ${counts}.\n`));
  }
  return failed ? 1 : 0;
}
