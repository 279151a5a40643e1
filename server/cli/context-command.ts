import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { contextBudget, previewContext } from '../../agent/index.js';
import { MinionsError, type ContextResponse } from '../../schemas/index.js';
import { createIndexSearch } from '../agent-wiring.js';
import { loadConfig, privacyFlag, privacyOptions } from '../config.js';
import { openCodeIndex } from '../runtime.js';
import { readSetting } from '../settings.js';
import type { CommandIo } from './io.js';
import { formatCount, terminalSafe, write } from './output.js';
import { contextUsage } from './usage.js';

/**
 * `minions context <repo> "<task>"`: the agent's first prompt for the task, section by
 * section (title, tokens, the files and lines it shows, its text) and the totals; `--json`
 * prints the ContextResponse. The budget defaults to the agent's own for `--num-ctx` /
 * MINIONS_NUM_CTX when set, else the agent's default.
 */
export async function contextCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { budget: { type: 'string' }, 'num-ctx': { type: 'string' }, json: { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, embedder: { type: 'string' }, threads: { type: 'string' }, ...privacyOptions },
  });
  const [repo, ...words] = positionals;
  const task = words.join(' ').trim();
  if (repo === undefined || task === '') throw new MinionsError('invalid-argument', `Usage: ${contextUsage}`);
  const budget = values.budget === undefined ? contextBudget(readSetting('numCtx', io.env, { numCtx: values['num-ctx'] })) : parseBudget(values.budget);
  const config = loadConfig(io.env, { dataDir: values['data-dir'], embedder: values.embedder, threads: values.threads, privacy: privacyFlag(values) }, io.cwd);
  const index = await openCodeIndex(config);
  try {
    const repository = await index.repository(resolve(io.cwd, repo), io.signal);
    const response = await previewContext({ search: createIndexSearch(index), repo: repository.root, task, budget, signal: io.signal });
    await write(io.stdout, values.json ? `${JSON.stringify(response, null, 2)}\n` : terminalSafe(describeContext(response)));
    return 0;
  } finally {
    await index.close();
  }
}

function parseBudget(text: string): number {
  const budget = Number(text);
  if (!Number.isInteger(budget) || budget < 256 || budget > 262_144) throw new MinionsError('invalid-argument', `--budget must be a whole number of tokens from 256 to 262144, not "${text}". Usage: ${contextUsage}`);
  return budget;
}

/** Each section's title, token count and spans, then its text; a footer with the totals. */
export function describeContext(response: ContextResponse): string {
  const blocks = response.sections.map((section) => {
    const spans = section.spans.map((span) => `${span.path}:${span.startLine}-${span.endLine}`);
    const shown = spans.length === 0 ? '' : `\n   shows ${spans.length > 12 ? `${spans.slice(0, 12).join(', ')} and ${spans.length - 12} more` : spans.join(', ')}`;
    return `== ${section.kind}: ${section.title} (~${formatCount(section.tokens)} tokens)${shown}\n${section.text}\n`;
  });
  const parts = response.sections.map((section) => `${section.kind} ${formatCount(section.tokens)}`).join(', ');
  const files = response.files.length === 0 ? 'none' : response.files.join(', ');
  return `${blocks.join('\n')}\n-- ~${formatCount(response.tokens)} of ${formatCount(response.budget)} tokens (${parts}); files in play: ${files}\n`;
}
