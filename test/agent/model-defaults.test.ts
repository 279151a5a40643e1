// Model defaults through the real runner: the temperature sent (0.2 unless the Modelfile
// or the user sets one; the task's beats the runner's), and the model preloaded while
// prepare makes the worktree, with model-load events when it starts and ends.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScriptedOllama, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, makeRepo, runTask, startAgentOllama, toolModel } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = { name: 'finish', arguments: { summary: 'add() now adds.' } };
const script = [{ toolCalls: [fixAdd] }, { toolCalls: [finish] }];

/** The `options` of the chat and load requests made since `from` requests. */
function sentOptions(ollama: ScriptedOllama, from: { chat: number; generate: number }): { chat: Record<string, unknown>[]; load: Record<string, unknown>[] } {
  const options = (path: string, skip: number): Record<string, unknown>[] => ollama.requestsTo(path).slice(skip).map((request) => (request.body as ChatRequestBody).options ?? {});
  return { chat: options('/api/chat', from.chat), load: options('/api/generate', from.generate) };
}

function counts(ollama: ScriptedOllama): { chat: number; generate: number } {
  return { chat: ollama.requestsTo('/api/chat').length, generate: ollama.requestsTo('/api/generate').length };
}

describe('agent run: model defaults', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startScriptedOllama({
      models: [
        { name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] },
        { name: 'tuned:7b', architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'], parameters: 'temperature 0.6\nstop "<|im_end|>"' },
      ],
    });
  });
  after(() => ollama.close());

  it('sends temperature 0.2 when neither the Modelfile nor the user sets one, in every chat and the load', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(script);
    const from = counts(ollama);
    try {
      const { result } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const sent = sentOptions(ollama, from);
      assert.equal(sent.chat.length, 2);
      for (const options of [...sent.chat, ...sent.load]) assert.equal(options.temperature, 0.2);
      // The load sends what chats send, or Ollama would load the model again for the first chat.
      assert.deepEqual(sent.load, [sent.chat[0]]);
    } finally {
      await repo.dispose();
    }
  });

  it("leaves the Modelfile's temperature alone, unless the user sets one; the task's beats the runner's", async () => {
    const repo = await makeRepo(calculatorFiles);
    try {
      const cases: { runner?: number; task?: number; expected: number | undefined }[] = [
        { expected: undefined },
        { runner: 0.7, expected: 0.7 },
        { runner: 0.7, task: 0.1, expected: 0.1 },
      ];
      for (const { runner, task, expected } of cases) {
        ollama.setChat(script);
        const from = counts(ollama);
        const { result } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.', model: 'tuned:7b', ...(task === undefined ? {} : { temperature: task }) }, runner === undefined ? {} : { temperature: runner });
        assert.equal(result?.outcome, 'succeeded', result?.reason);
        const sent = sentOptions(ollama, from);
        for (const options of [...sent.chat, ...sent.load]) assert.equal(options.temperature, expected, JSON.stringify({ runner, task }));
        assert.ok(sent.chat.every((options) => options.num_ctx === 32768));
      }
    } finally {
      await repo.dispose();
    }
  });
});

describe('agent run: the model is preloaded during prepare', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  it('loads the model while the worktree is made, says when the load starts and how long it took', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(script);
    let release = (): void => undefined;
    // The load finishes only once the worktree exists: it ran alongside prepare.
    ollama.holdLoads(new Promise<void>((resolve) => (release = resolve)));
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' }, {
        onEvent: (event) => {
          if (event.type === 'worktree-create') release();
        },
      });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const order = (match: (type: string, data: Record<string, unknown>) => boolean): number => events.findIndex((event) => match(event.type, event.data));
      const start = order((type, data) => type === 'model-load' && data.phase === 'start');
      const end = order((type, data) => type === 'model-load' && data.phase === 'end');
      assert.ok(order((type) => type === 'run-start') < start);
      assert.ok(start < order((type) => type === 'worktree-create'), 'the load starts before the worktree is made');
      assert.ok(order((type) => type === 'worktree-create') < end, 'and ends after it');
      assert.ok(end < order((type) => type === 'model-call'), 'the first turn waits for the load');
      const loaded = eventsOf(events, 'model-load')[1];
      assert.equal(loaded?.model, toolModel);
      assert.equal(loaded?.alreadyLoaded, false);
      assert.equal(typeof loaded?.durationMs, 'number');
      const load = ollama.requestsTo('/api/generate').at(-1)?.body as Record<string, unknown>;
      assert.deepEqual({ ...load, options: undefined }, { model: toolModel, prompt: '', stream: false, keep_alive: '30m', options: undefined });
      // A second run finds it loaded (/api/ps).
      ollama.holdLoads(undefined);
      ollama.setChat(script);
      const again = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(eventsOf(again.events, 'model-load')[1]?.alreadyLoaded, true);
    } finally {
      release();
      await repo.dispose();
    }
  });

  it('retries a load that crashed like a chat, and ends the run saying so', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.unloadAll();
    ollama.setChat(script);
    ollama.setFailure('/api/generate', { status: 500, error: 'llama runner process has terminated: exit status 2' });
    const chatsBefore = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'failed');
      assert.match(result?.reason ?? '', /^implement: Ollama's model runner crashed while running coder:7b at http:\/\/127\.0\.0\.1:\d+ \(llama runner process has terminated: exit status 2\); gave up after 3 attempts\./);
      assert.deepEqual(eventsOf(events, 'model-retry').map((retry) => [retry.node, retry.kind]), [['prepare', 'runner-crashed'], ['prepare', 'runner-crashed']]);
      assert.equal(ollama.requestsTo('/api/chat').length, chatsBefore, 'no chat is sent to a model that did not load');
    } finally {
      ollama.setFailure('/api/generate', undefined);
      await repo.dispose();
    }
  });
});
