// `minions eval` end to end against the scripted Ollama: real copies, the real agent, the
// real verification under the command sandbox. The scripted models' replies depend on the
// task (a marker in its prompt) and on the model, so the verification, not the agent's
// claim, must tell which tasks were done.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { EvalReport } from '../../../schemas/index.js';
import { fileIntegrity } from '../../../server/eval/sources.js';
import { main } from '../../../server/index.js';
import { startScriptedOllama, type ChatReply, type ChatRequestBody, type ScriptedOllama } from '../../support/scripted-ollama.js';
import { runCli } from '../cli-run.js';

const fixtures = fileURLToPath(new URL('../../fixtures/eval/', import.meta.url));
const models = ['good:7b', 'bad:7b'];
const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const touchMultiply = { name: 'edit_file', arguments: { path: 'src/math.js', search: 'export function multiply', replace: '// Multiplies.\nexport function multiply' } };

/** The task a chat belongs to (its marker) and how far the conversation is (assistant turns so far). */
function conversation(request: ChatRequestBody): { task: string; step: number } {
  const messages = request.messages ?? [];
  const task = /TASK-[A-Z]+(-\d+)?/.exec(messages.find((message) => message.role === 'user')?.content ?? '')?.[0] ?? '?';
  return { task, step: messages.filter((message) => message.role === 'assistant').length };
}

/**
 * good:7b peeks for the verification file, then fixes add; on multiply it only adds a
 * comment and claims success. bad:7b adds a comment on every task and claims success.
 */
function reply(request: ChatRequestBody): ChatReply {
  const { task, step } = conversation(request);
  const fixes = request.model === 'good:7b' && task.startsWith('TASK-ADD');
  const plan = fixes
    ? [{ toolCalls: [{ name: 'list_dir', arguments: { path: '.' } }, { name: 'read_file', arguments: { path: 'verify.test.js' } }] }, { toolCalls: [fixAdd] }]
    : [{ toolCalls: [task.startsWith('TASK-ADD') ? { ...fixAdd, arguments: { ...fixAdd.arguments, replace: '  return a - b; // adds' } } : touchMultiply] }];
  return plan[step] ?? { toolCalls: [{ name: 'finish', arguments: { summary: `Fixed ${task}.` } }] };
}

describe('minions eval', () => {
  let ollama: ScriptedOllama;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    const chatModels = models.map((name) => ({ name, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }));
    ollama = await startScriptedOllama({ models: [...chatModels, { name: 'nomic-embed-text', embeddingLength: 48, contextLength: 2048, capabilities: ['embedding'] }], chat: reply });
    scratch = await mkdtemp(join(tmpdir(), 'minions-eval-test-'));
    env = { OLLAMA_HOST: ollama.host.replace('http://', ''), MINIONS_DATA_DIR: join(scratch, 'data'), PATH: process.env.PATH };
  });
  after(async () => {
    await ollama.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('judges each task by its hidden verification, not by the agent, for two models', async () => {
    const out = join(scratch, 'report.json');
    const result = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', '--model', 'bad:7b', '--out', out], scratch, env);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    const report = JSON.parse(await readFile(out, 'utf8')) as EvalReport;
    const verdicts = report.runs.map((run) => `${run.model} ${run.task} ${run.verified ? 'pass' : 'fail'} ${run.outcome}`);
    assert.deepEqual(verdicts, ['good:7b add pass succeeded', 'good:7b multiply fail succeeded', 'bad:7b add fail succeeded', 'bad:7b multiply fail succeeded']);
    assert.deepEqual(report.models.map((entry) => [entry.model, entry.verified, entry.successRate, entry.agentSucceeded]), [['good:7b', 1, 0.5, 2], ['bad:7b', 0, 0, 2]]);
    assert.ok(report.models.every((entry) => entry.tokens.input > 0 && entry.tokens.output > 0 && entry.wallMs > 0));
    assert.match(report.runs[1]?.verification.output ?? '', /multiply multiplies/);
    assert.match(result.stdout, /^add +pass \(agent: succeeded, 0 fix\) +FAIL \(agent: succeeded, 0 fix\)$/m);
    assert.match(result.stdout, /^good:7b +1\/2 +50% +2 +0 +\d+ +\d+ +[\d.]+ s$/m);
    assert.match(result.stderr, /verification sandbox: bwrap/);
  });

  it('keeps the verification files out of the agent\'s worktree', () => {
    const peeked = ollama.requestsTo('/api/chat').map((request) => request.body as ChatRequestBody).find((body) => body.model === 'good:7b' && conversation(body).task === 'TASK-ADD' && conversation(body).step === 1);
    const tools = (peeked?.messages ?? []).filter((message) => message.role === 'tool').map((message) => message.content ?? '');
    assert.equal(tools.length, 2, 'list_dir and read_file answered');
    assert.match(tools[0] ?? '', /src\//);
    assert.doesNotMatch(tools[0] ?? '', /verify/);
    assert.match(tools[1] ?? '', /not found|does not exist|no such file/i);
  });

  it('indexes each copy with --index full, so the agent searches instead of grepping', async () => {
    const before = ollama.requestsTo('/api/embed').length;
    const result = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', '--index', 'full', '--embedder', 'ollama:nomic-embed-text', '--json'], scratch, env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal((JSON.parse(result.stdout) as EvalReport).index, 'full');
    assert.ok(ollama.requestsTo('/api/embed').length > before, 'the copies were embedded');
    const first = ollama.requestsTo('/api/chat').map((request) => request.body as ChatRequestBody).filter((body) => conversation(body).step === 0).at(-1);
    const prompt = first?.messages?.find((message) => message.role === 'user')?.content ?? '';
    assert.match(prompt, /src\/math\.js/);
    assert.doesNotMatch(prompt, /search is unavailable/i);
  });

  it('exits 1 when a model falls below the baseline by more than the threshold, naming the changed tasks', async () => {
    const baseline = join(scratch, 'baseline.json');
    const run = (task: string, verified: boolean): EvalReport['runs'][number] => ({ task, model: 'good:7b', verified, outcome: 'succeeded', commit: null, rounds: 0, tokens: { input: 1, output: 1 }, wallMs: 1, verification: { exitCode: verified ? 0 : 1, durationMs: 1, output: '' } });
    const previous: EvalReport = { suite: 'fixture', index: 'none', threshold: 0, models: [], runs: [run('add', false), run('multiply', true)], comparisons: [], regressed: false };
    await writeFile(baseline, JSON.stringify(previous));
    const gated = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', '--baseline', baseline, '--json'], scratch, env);
    assert.equal(gated.code, 0, gated.stderr);
    const report = JSON.parse(gated.stdout) as EvalReport;
    assert.deepEqual(report.comparisons, [{ model: 'good:7b', baselineModel: 'good:7b', baselineRate: 0.5, successRate: 0.5, newlyFailing: ['multiply'], newlyPassing: ['add'], regressed: false }]);
    // The same rate with a task swapped is no regression; a lower rate is.
    const worse: EvalReport = { ...previous, runs: [run('add', true), run('multiply', true)] };
    await writeFile(baseline, JSON.stringify(worse));
    const regressed = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', '--baseline', baseline], scratch, env);
    assert.equal(regressed.code, 1, regressed.stderr);
    assert.match(regressed.stdout, /^good:7b vs baseline good:7b: 50% \(was 100%\), REGRESSED beyond the threshold of 0%; newly failing: multiply$/m);
    const tolerated = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', '--baseline', baseline, '--threshold', '50%'], scratch, env);
    assert.equal(tolerated.code, 0, tolerated.stderr);
    assert.match(tolerated.stdout, /50% \(was 100%\), no regression; newly failing: multiply$/m);
  });

  it('runs at most --parallel tasks at once', async () => {
    // The runs the CLI has started and not ended, from its progress lines as they are written.
    let active = 0;
    const stderr = new PassThrough();
    stderr.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) active += line.startsWith('  start ') ? 1 : /^ {2}(pass|FAIL) /.test(line) ? -1 : 0;
      settle();
    });
    // A conversation's first turn waits until every started run has one open: runs beyond the limit would show here.
    const open = new Set<string>();
    const waiting: (() => void)[] = [];
    let most = 0;
    function settle(): void {
      if (open.size >= active) for (const resume of waiting.splice(0)) resume();
    }
    ollama.setChat(async (request) => {
      const answer = reply(request);
      const { task, step } = conversation(request);
      if (step === 0) {
        open.add(task);
        most = Math.max(most, open.size);
        const held = new Promise<void>((resolve) => waiting.push(resolve));
        settle();
        await held;
      }
      if (answer.toolCalls?.[0]?.name === 'finish') open.delete(task);
      return answer;
    });
    const stdout = new PassThrough();
    const printed: Buffer[] = [];
    stdout.on('data', (chunk: Buffer) => printed.push(chunk));
    const code = await main(['eval', join(fixtures, 'parallel.json'), '--model', 'good:7b', '--parallel', '2', '--json'], { stdout, stderr, cwd: scratch, env, signal: new AbortController().signal });
    ollama.setChat(reply);
    assert.equal(code, 0);
    assert.deepEqual((JSON.parse(Buffer.concat(printed).toString('utf8')) as EvalReport).runs.map((run) => run.verified), [true, true, true, true]);
    assert.equal(most, 2);
  });

  it('records a task whose copy cannot be made as an error and runs the others', async () => {
    const folder = join(scratch, 'setup-suite');
    await cp(join(fixtures, 'calc'), join(folder, 'calc'), { recursive: true });
    await cp(join(fixtures, 'verify'), join(folder, 'verify'), { recursive: true });
    const suite = JSON.parse(await readFile(join(fixtures, 'suite.json'), 'utf8')) as { tasks: { setup?: string }[] };
    (suite.tasks[1] as { setup?: string }).setup = 'echo no database >&2; exit 3';
    await writeFile(join(folder, 'suite.json'), JSON.stringify(suite));
    const result = await runCli(['eval', join(folder, 'suite.json'), '--model', 'good:7b', '--json'], scratch, env);
    assert.equal(result.code, 0, result.stderr);
    const runs = (JSON.parse(result.stdout) as EvalReport).runs;
    assert.deepEqual(runs.map((run) => [run.task, run.verified, run.outcome]), [['add', true, 'succeeded'], ['multiply', false, 'error']]);
    assert.match(runs[1]?.reason ?? '', /task multiply: setup "echo no database >&2; exit 3" failed \(exit 3\): no database/);
  });

  it('--check proves a task real from the published fix, offline from the tarball cache, and names a task that is not', async () => {
    const folder = join(scratch, 'check-suite');
    const cache = join(env.MINIONS_DATA_DIR ?? '', 'eval-cache', 'npm');
    await mkdir(cache, { recursive: true });
    const versions = { '1.0.0': 'a - b', '1.0.1': 'a + b' };
    const integrity: Record<string, string> = {};
    for (const [version, body] of Object.entries(versions)) {
      const tree = join(folder, `tree-${version}`, 'package');
      await mkdir(tree, { recursive: true });
      await writeFile(join(tree, 'package.json'), JSON.stringify({ name: 'calc', version, type: 'module' }));
      await mkdir(join(tree, 'src'));
      await writeFile(join(tree, 'src', 'math.js'), `export function add(a, b) {\n  return ${body};\n}\n\nexport function multiply(a, b) {\n  return a * b;\n}\n`);
      execFileSync('tar', ['-czf', join(cache, `calc-eval-fixture-${version}.tgz`), '-C', join(tree, '..'), 'package']);
      integrity[version] = await fileIntegrity(join(cache, `calc-eval-fixture-${version}.tgz`));
    }
    await cp(join(fixtures, 'verify'), join(folder, 'verify'), { recursive: true });
    const verify = { files: { 'verify.test.js': 'verify/add.test.js' }, command: 'node --test verify.test.js' };
    const tasks = [
      { id: 'real', repo: { npm: 'calc-eval-fixture@1.0.0', integrity: integrity['1.0.0'] }, prompt: 'add() subtracts', verify, fixedIn: { npm: 'calc-eval-fixture@1.0.1', integrity: integrity['1.0.1'], files: ['src/math.js'] } },
      { id: 'passes-already', repo: { npm: 'calc-eval-fixture@1.0.1', integrity: integrity['1.0.1'] }, prompt: 'add() subtracts', verify },
    ];
    await writeFile(join(folder, 'suite.json'), JSON.stringify({ name: 'check', tasks }));
    const offline = { ...env, npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' };
    const result = await runCli(['eval', join(folder, 'suite.json'), '--check', '--json'], scratch, offline);
    assert.equal(result.code, 1, result.stderr);
    const checks = (JSON.parse(result.stdout) as { checks: { task: string; real: boolean; original: { passed: boolean }; fixed?: { passed: boolean } }[] }).checks;
    assert.deepEqual(checks.map((check) => [check.task, check.real, check.original.passed, check.fixed?.passed]), [['real', true, false, true], ['passes-already', false, true, undefined]]);
    assert.match(result.stderr, /NOT REAL {2}passes-already: verification passes on the original/);
  });

  it('refuses a malformed suite with one clear line', async () => {
    const write = async (name: string, text: string): Promise<string> => {
      await writeFile(join(scratch, name), text);
      return join(scratch, name);
    };
    const cases: [string, RegExp][] = [
      [await write('not-json.json', '{ "name": '), /The suite .*not-json\.json is not valid JSON/],
      [await write('no-prompt.json', JSON.stringify({ name: 'x', tasks: [{ id: 'a', repo: { folder: '.' }, verify: { files: {}, command: 'true' } }] })), /The suite .*no-prompt\.json is malformed: tasks\[0\] must have required property 'prompt'/],
      [await write('bad-npm.json', JSON.stringify({ name: 'x', tasks: [{ id: 'a', repo: { npm: 'left-pad', integrity: 'x' }, prompt: 'p', verify: { files: {}, command: 'true' } }] })), /bad-npm\.json is malformed: tasks\[0\]\.repo /],
      [await write('twice.json', JSON.stringify({ name: 'x', tasks: ['a', 'a'].map((id) => ({ id, repo: { folder: '.' }, prompt: 'p', verify: { files: {}, command: 'true' } })) })), /two tasks with the id "a"/],
      [await write('missing-file.json', JSON.stringify({ name: 'x', tasks: [{ id: 'a', repo: { folder: '.' }, prompt: 'p', verify: { files: { 't.js': 'nowhere.js' }, command: 'true' } }] })), /task a: the verification file nowhere\.js does not exist/],
    ];
    for (const [file, message] of cases) {
      const result = await runCli(['eval', file, '--model', 'good:7b'], scratch, env);
      assert.equal(result.code, 2, `${file}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    const options: [string[], RegExp][] = [
      [['--num-ctx', '100'], /The context length must be an integer from 512/],
      [['--parallel', '0'], /--parallel must be an integer from 1 to 64/],
      [['--threshold', '2'], /--threshold must be a fraction from 0 to 1/],
      [['--index', 'text'], /--index must be none or full/],
      [['--baseline', join(scratch, 'not-json.json')], /Cannot read the baseline/],
    ];
    for (const [extra, message] of options) {
      const result = await runCli(['eval', join(fixtures, 'suite.json'), '--model', 'good:7b', ...extra], scratch, env);
      assert.equal(result.code, 2, `${extra.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
    const usage = await runCli(['eval', join(fixtures, 'suite.json')], scratch, env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /Usage: minions eval <suite\.json> --model M/);
  });
});
