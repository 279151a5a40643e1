// Issue 14, item 11: escape sequences from repository names and content reached the
// terminal in `minions query` output (and in the agent's progress lines). They are shown
// visibly now; `--json` stays exact JSON.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { QueryResponse } from '../../schemas/index.js';
import { printAgentEvent } from '../../server/cli/agent-progress.js';
import { terminalSafe } from '../../server/cli/output.js';
import { runCli } from './cli-run.js';

const title = '\u001b]0;pwned\u0007';
const clear = '\u001b[2J';
// Any control character a terminal acts on, but newline and tab.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controls = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal escape sequences', () => {
  let folder = '';
  let repo = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-escapes-'));
    repo = join(folder, 'repo');
    await mkdir(join(repo, 'src'), { recursive: true });
    await writeFile(join(repo, 'src', `rain${title}.js`), `function forecastRain(city) {\n  // ${clear}${title}\u202e\n  return city === 'London';\n}\nmodule.exports = { forecastRain };\n`);
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_THREADS: '1' };
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('shows them in minions query output instead of sending them to the terminal; --json stays exact', async () => {
    const indexed = await runCli(['index', repo], folder, env);
    assert.equal(indexed.code, 0, indexed.stderr);
    const result = await runCli(['query', repo, 'forecastRain', '--mode', 'text'], folder, env);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stdout, controls);
    assert.ok(result.stdout.includes('src/rain\\x1b]0;pwned\\x07.js:1-4'), result.stdout);
    assert.ok(result.stdout.includes('// \\x1b[2J\\x1b]0;pwned\\x07\\u202e'), result.stdout);
    const json = await runCli(['query', repo, 'forecastRain', '--mode', 'text', '--json'], folder, env);
    const parsed = JSON.parse(json.stdout) as QueryResponse;
    assert.equal(parsed.results[0]?.path, `src/rain${title}.js`);
    assert.ok(parsed.results[0]?.snippet.includes(`${clear}${title}`));
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(json.stdout, /[\u0000-\u0008\u000b-\u001f]/, 'JSON escapes ESC, BEL and the other C0 characters itself');
  });

  it('shows them in the agent progress lines', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (data: Buffer) => chunks.push(data.toString('utf8')));
    printAgentEvent(stream, { type: 'tool-call', data: { node: 'implement', step: 1, tool: 'read_file', arguments: `{"path":"${clear}"}`, ok: false, durationMs: 1, result: `no such file ${title}` } });
    const line = chunks.join('');
    assert.doesNotMatch(line, controls);
    assert.match(line, /\\x1b\[2J.*no such file \\x1b\]0;pwned\\x07\n$/);
  });

  it('keeps newlines and tabs, and shows every other control character', () => {
    assert.equal(terminalSafe('a\tb\nc'), 'a\tb\nc');
    assert.equal(terminalSafe('\r\u0000\u007f\u009b\u2066'), '\\x0d\\x00\\x7f\\x9b\\u2066');
  });
});
