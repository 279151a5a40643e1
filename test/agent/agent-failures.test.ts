// End-to-end scenarios where things go wrong: a model that prints its tool calls, a
// model that loops, guardrail violations, cancellation, Ollama down, a model not pulled.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { closedPort, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, noIndexSearch, runTask, startAgentOllama, textModel } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = { name: 'finish', arguments: { summary: 'Done.' } };

/** True once a process is gone or a zombie (dead, waiting for a reaper), within a second; SIGKILL lands asynchronously. */
async function exited(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (/^State:\s+Z/m.test(status)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('agent run: failures and fallbacks', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  it('reads tool calls a model writes as text (JSON, <tool_call> tags) and sends it no tools', async () => {
    const repo = await makeRepo(calculatorFiles);
    const earlier = ollama.requestsTo('/api/chat').length;
    ollama.setChat([
      { content: `I will fix it.\n\`\`\`json\n${JSON.stringify(fixAdd)}\n\`\`\`` },
      { content: `<tool_call>\n${JSON.stringify({ name: 'finish', arguments: { summary: 'Fixed add.' } })}\n</tool_call>` },
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add.', model: textModel }, { search: noIndexSearch });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.deepEqual(eventsOf(events, 'model-call').map((call) => call.toolCallSource), ['text', 'text']);
    const chats = ollama.requestsTo('/api/chat').slice(earlier).map((request) => request.body as ChatRequestBody);
    assert.ok(chats.every((chat) => chat.tools === undefined && chat.options?.num_ctx === 8192));
    assert.match(chats[0]?.messages?.[0]?.content ?? '', /To call a tool, reply with a JSON object/);
    // The tool result goes back as a user message, and search was reported unavailable.
    assert.match(chats[1]?.messages?.at(-1)?.content ?? '', /^Result of edit_file:\nEdited src\/math\.js/);
    assert.match(chats[0]?.messages?.[1]?.content ?? '', /Code search is unavailable for this repository \(the repository has no index yet\)/);
    assert.equal(eventsOf(events, 'context-gather')[0]?.search, 'unavailable');
    await repo.dispose();
  });

  it('stops a model that repeats the same call, warning it first, and reports no change', async () => {
    const repo = await makeRepo(calculatorFiles);
    const read = { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] };
    ollama.setChat([read, read, read, read]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add.' });
    assert.equal(result?.outcome, 'failed');
    assert.match(result?.reason ?? '', /^implement: made no changes \(loop: Stopped: the model repeated read_file/);
    assert.deepEqual(eventsOf(events, 'loop-detect').map((event) => event.action), ['warn', 'stop']);
    assert.equal(eventsOf(events, 'model-call').length, 3);
    assert.equal(result?.commit, null);
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    await repo.dispose();
  });

  it('refuses to deliver a change to a protected path unless allowed', async () => {
    const repo = await makeRepo(calculatorFiles);
    const script = [
      { toolCalls: [fixAdd, { name: 'create_file', arguments: { path: '.github/workflows/ci.yml', content: 'on: push\n' } }] },
      { toolCalls: [finish] },
    ];
    ollama.setChat(script);
    const refused = await runTask(repo, ollama, { prompt: 'Fix add and add CI.' });
    assert.equal(refused.result?.outcome, 'failed');
    assert.match(refused.result?.reason ?? '', /guardrails stopped delivery: protected path modified: \.github\/workflows\/ci\.yml/);
    assert.equal(refused.result?.commit, null);
    assert.equal(refused.result?.guardrails.passed, false);
    // Nothing was committed, so no branch is left behind.
    assert.equal(refused.result?.branch, null);
    assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '');
    ollama.setChat(script);
    const allowed = await runTask(repo, ollama, { prompt: 'Fix add and add CI.', allowProtectedPaths: true });
    assert.equal(allowed.result?.outcome, 'succeeded', allowed.result?.reason);
    assert.match(allowed.result?.diff ?? '', /\.github\/workflows\/ci\.yml/);
    await repo.dispose();
  });

  it('refuses to deliver a diff holding a secret, and redacts it from the reported diff', async () => {
    const repo = await makeRepo(calculatorFiles);
    const key = 'AKIAZ7QWERTYUIOPASDF';
    ollama.setChat([
      { toolCalls: [fixAdd, { name: 'create_file', arguments: { path: 'src/config.js', content: `export const awsKey = '${key}';\n` } }] },
      { toolCalls: [finish] },
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add.' });
    assert.equal(result?.outcome, 'failed');
    assert.match(result?.reason ?? '', /possible secret \(AWS access key\) added in src\/config\.js:1/);
    assert.ok(!(result?.diff ?? '').includes(key));
    assert.match(result?.diff ?? '', /\[REDACTED\]/);
    assert.equal(eventsOf(events, 'guardrail-check')[0]?.passed, false);
    await repo.dispose();
  });

  it('cancels mid-command: the run rejects, the process group dies, no worktree is left', async () => {
    const repo = await makeRepo(calculatorFiles);
    const pidFile = join(repo.worktrees, '..', 'pids');
    // The test file records its pid and its parent's (the `node --test` runner), then hangs.
    await writeFile(join(repo.root, 'slow.test.js'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidFile)}, process.pid + ' ' + process.ppid);\nsetInterval(() => {}, 1000);\n`);
    // The suite the baseline runs on the base leaves the slow test out: it is the model's command that hangs.
    await writeFile(join(repo.root, '.minions.yml'), 'test: node --test test/math.test.js\n');
    git(repo.root, 'add', 'slow.test.js', '.minions.yml');
    git(repo.root, 'commit', '--quiet', '-m', 'slow test');
    ollama.setChat([{ toolCalls: [{ name: 'run_command', arguments: { command: 'node --test slow.test.js' } }] }]);
    const controller = new AbortController();
    // Unsandboxed (allowed explicitly): the test file writes its host pids outside the worktree,
    // which the sandbox would keep in its private /tmp and PID namespace (its own cancel test is in command-sandbox.test.ts).
    const run = runTask(repo, ollama, { prompt: 'Run the slow test.' }, {
      commandSandbox: { probe: async () => ({ available: false, reason: 'not under test here' }) },
      allowUnsandboxedCommands: true,
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type !== 'command-start') return;
        const poll = setInterval(() => {
          if (!existsSync(pidFile)) return;
          clearInterval(poll);
          controller.abort();
        }, 20);
      },
    });
    const { result, error, events } = await run;
    assert.equal(result, undefined);
    assert.equal((error as Error).name, 'AbortError');
    const pids = (await readFile(pidFile, 'utf8')).split(' ').map(Number);
    for (const pid of pids) assert.equal(await exited(pid), true, `process ${pid} is gone`);
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    assert.ok(!existsSync(join(repo.worktrees, 'task1')));
    assert.equal(eventsOf(events, 'run-end')[0]?.outcome, 'cancelled');
    assert.deepEqual(eventsOf(events, 'node-end').map((node) => `${node.node}:${node.status}`).slice(-2), ['implement:failed', 'cleanup:ok']);
    await repo.dispose();
  });

  it('cancels while the model is thinking', async () => {
    const repo = await makeRepo(calculatorFiles);
    const controller = new AbortController();
    ollama.setChat(() => new Promise(() => controller.abort()));
    const { error } = await runTask(repo, ollama, { prompt: 'Fix add.' }, { signal: controller.signal });
    assert.equal((error as Error).name, 'AbortError');
    assert.equal(git(repo.root, 'worktree', 'list').split('\n').length, 1);
    await repo.dispose();
  });

  it('keeps the work on the branch when the model fails mid-run', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat((_request, turn) => {
      if (turn === 0) return { toolCalls: [fixAdd] };
      throw new Error('model runner has unexpectedly stopped');
    });
    const { result } = await runTask(repo, ollama, { prompt: 'Fix add.' });
    assert.equal(result?.outcome, 'failed');
    // A crash of a running Ollama is worded as one, retried, and never "not reachable".
    assert.match(result?.reason ?? '', /^implement: Ollama's model runner crashed while running coder:7b at http:\/\/127\.0\.0\.1:\d+ \(.*model runner has unexpectedly stopped\); gave up after 3 attempts\./);
    assert.doesNotMatch(result?.reason ?? '', /ollama serve|not reachable/);
    assert.ok(result?.commit, 'the edit is committed as a failed attempt');
    assert.match(result?.diff ?? '', /^\+ {2}return a \+ b;$/m);
    assert.equal(result?.checks.length, 0);
    assert.match(result?.prBody ?? '', /The checks \(`npm test`\) did not run; the change is untested\./);
    await repo.dispose();
  });

  it('says clearly when Ollama is unreachable, before touching the repository', async () => {
    const repo = await makeRepo(calculatorFiles);
    const host = `http://127.0.0.1:${await closedPort()}`;
    const { error } = await runTask(repo, { host }, { prompt: 'Fix add.' });
    assert.ok(error instanceof MinionsError);
    assert.equal(error.code, 'model-unavailable');
    assert.match(error.message, /^Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED.*Start it with `ollama serve` or set OLLAMA_HOST\.$/);
    assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '');
    await repo.dispose();
  });

  it('says clearly when the model is not pulled', async () => {
    const repo = await makeRepo(calculatorFiles);
    const { error } = await runTask(repo, ollama, { prompt: 'Fix add.', model: 'qwen3-coder:30b' });
    assert.ok(error instanceof MinionsError);
    assert.equal(error.code, 'model-unavailable');
    assert.match(error.message, /^Model qwen3-coder:30b is not pulled in Ollama at http:\/\/127\.0\.0\.1:\d+; run `ollama pull qwen3-coder:30b`/);
    assert.equal(git(repo.root, 'branch', '--list', 'minions/*'), '');
    await repo.dispose();
  });
});
