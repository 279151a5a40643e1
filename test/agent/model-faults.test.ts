// Scenarios of transient Ollama faults through the real runner over real git and real
// `npm test`: each fault fails the first attempt of a turn, the retry succeeds and the
// task delivers, with a model-retry event and the failed turn's tokens counted; a fault
// that never passes ends the run saying what happened and how often it was tried; a
// crash of a running Ollama is never worded "start it with ollama serve".
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ollamaFaults, startScriptedOllama, type ChatFault, type ChatReply, type ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, makeRepo, runTask, startAgentOllama, toolModel, type RecordedEvent } from './agent-fixtures.js';

const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = { name: 'finish', arguments: { summary: 'add() now adds.' } };
/** A reply long enough to stream several chunks before a mid-stream fault cuts it. */
const thinkingAloud = 'I will look at src/math.js and change the subtraction in add into an addition, then finish.';

/** Tokens of the turns that completed, as their model-call events report them. */
function completedTokens(events: readonly RecordedEvent[]): { input: number; output: number } {
  const calls = eventsOf(events, 'model-call');
  return { input: calls.reduce((sum, call) => sum + Number(call.inputTokens), 0), output: calls.reduce((sum, call) => sum + Number(call.outputTokens), 0) };
}

describe('agent run: transient model faults are retried', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  const scenarios: { name: string; fault: ChatFault; kind: string; midStream: boolean }[] = [
    { name: '503 busy', fault: ollamaFaults.busy, kind: 'busy', midStream: false },
    { name: 'a crashed runner (exit status 2)', fault: ollamaFaults.runnerTerminated, kind: 'runner-crashed', midStream: false },
    { name: 'a runner that stopped', fault: ollamaFaults.runnerStopped, kind: 'runner-crashed', midStream: false },
    { name: "Ollama's tool-call parser error", fault: ollamaFaults.toolCallParse, kind: 'tool-call-parse', midStream: false },
    { name: 'an error line after 5 chunks of a 200 stream', fault: ollamaFaults.streamError(5), kind: 'stream-error', midStream: true },
    { name: "a tool-call parser error streamed under Ollama 0.11's wrong key", fault: ollamaFaults.toolCallParseLine(5), kind: 'tool-call-parse', midStream: true },
    { name: 'a connection reset after 5 chunks', fault: ollamaFaults.reset(5), kind: 'connection-lost', midStream: true },
  ];

  for (const scenario of scenarios) {
    it(`retries after ${scenario.name} and delivers`, async () => {
      const repo = await makeRepo(calculatorFiles);
      const failing: ChatReply = { content: thinkingAloud, fault: scenario.fault };
      ollama.setChat([failing, { toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
      const chatsBefore = ollama.requestsTo('/api/chat').length;
      try {
        const { result, events, error } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
        assert.equal(error, undefined);
        assert.equal(result?.outcome, 'succeeded', result?.reason);
        assert.match(result?.diff ?? '', /^\+ {2}return a \+ b;$/m);
        assert.equal(ollama.requestsTo('/api/chat').length - chatsBefore, 3, 'the failed turn was sent again');
        const retries = eventsOf(events, 'model-retry');
        assert.equal(retries.length, 1);
        assert.deepEqual({ ...retries[0], reason: undefined }, { node: 'implement', model: toolModel, attempt: 1, attempts: 3, kind: scenario.kind, reason: undefined, delayMs: 1000 });
        assert.ok(String(retries[0]?.reason).length > 0);
        // The retry is reported before the turn that succeeds.
        assert.ok(events.findIndex((event) => event.type === 'model-retry') < events.findIndex((event) => event.type === 'model-call'));
        const completed = completedTokens(events);
        if (scenario.midStream) {
          // The prompt was evaluated and part of a reply streamed: both count, in the result and the run-end event.
          assert.ok((result?.tokens.input ?? 0) > completed.input, `input ${result?.tokens.input} > ${completed.input}`);
          assert.ok((result?.tokens.output ?? 0) > completed.output, `output ${result?.tokens.output} > ${completed.output}`);
        } else {
          assert.deepEqual(result?.tokens, completed, 'a request refused before streaming cost nothing');
        }
        assert.deepEqual(eventsOf(events, 'run-end')[0]?.tokens, result?.tokens);
      } finally {
        await repo.dispose();
      }
    });
  }

  it('waits longer before each retry: about 1 s, then 2 s, jittered and capped', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([{ fault: ollamaFaults.busy }, { fault: ollamaFaults.busy }, { toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
    const waits: number[] = [];
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' }, { modelRetry: { sleep: async (milliseconds) => void waits.push(milliseconds), random: () => 1 } });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      assert.deepEqual(waits, [1250, 2500]);
      assert.deepEqual(eventsOf(events, 'model-retry').map((retry) => retry.delayMs), [1250, 2500]);
    } finally {
      await repo.dispose();
    }
  });

  it('gives up after the attempts run out, saying what happened and how often it was tried', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(() => ({ fault: ollamaFaults.busy }));
    const chatsBefore = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'failed');
      assert.match(result?.reason ?? '', /^implement: Ollama at http:\/\/127\.0\.0\.1:\d+ was too busy to take the request for coder:7b \(HTTP 503: server busy, please try again\. maximum pending requests exceeded\); gave up after 3 attempts\./);
      assert.equal(ollama.requestsTo('/api/chat').length - chatsBefore, 3);
      assert.deepEqual(eventsOf(events, 'model-retry').map((retry) => retry.attempt), [1, 2]);
      assert.equal(result?.commit, null, 'nothing was changed, so nothing is delivered');
    } finally {
      await repo.dispose();
    }
  });

  it('counts the tokens of turns that failed mid-stream even when the run fails on them', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(() => ({ content: thinkingAloud, fault: ollamaFaults.streamError(5) }));
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'failed');
      assert.match(result?.reason ?? '', /^implement: Ollama at http:\/\/127\.0\.0\.1:\d+ reported an error in the middle of a reply from coder:7b: an error was encountered while running the model: unexpected EOF; gave up after 3 attempts\.$/);
      assert.deepEqual(eventsOf(events, 'model-call'), [], 'no turn completed');
      // Three prompts evaluated and three partial replies: all counted.
      assert.ok((result?.tokens.input ?? 0) > 0 && (result?.tokens.output ?? 0) > 0, JSON.stringify(result?.tokens));
      assert.deepEqual(eventsOf(events, 'run-end')[0]?.tokens, result?.tokens);
    } finally {
      await repo.dispose();
    }
  });

  it('does not retry what another attempt cannot fix: a bad request', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(() => ({ fault: { kind: 'status', status: 400, error: 'invalid options: num_gpu' } }));
    const chatsBefore = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'failed');
      assert.match(result?.reason ?? '', /^implement: Ollama at http:\/\/127\.0\.0\.1:\d+ failed with model coder:7b \(HTTP 400\): invalid options: num_gpu$/);
      assert.equal(ollama.requestsTo('/api/chat').length - chatsBefore, 1);
      assert.deepEqual(eventsOf(events, 'model-retry'), []);
    } finally {
      await repo.dispose();
    }
  });
});

describe('agent run: Ollama going away mid-run', () => {
  it('words a stopped Ollama as stopped during the run, never "start it with ollama serve", and keeps the work', async () => {
    const repo = await makeRepo(calculatorFiles);
    const server: ScriptedOllama = await startScriptedOllama({
      models: [{ name: toolModel, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }],
      chat: async (_request, turn) => {
        if (turn === 0) return { toolCalls: [fixAdd] };
        // Ollama is stopped while the second turn waits: the connection is cut, later ones refused.
        await server.close();
        return { toolCalls: [finish] };
      },
    });
    try {
      const { result, events } = await runTask(repo, server, { prompt: 'Fix add in src/math.js.' });
      assert.equal(result?.outcome, 'failed');
      assert.match(result?.reason ?? '', /^implement: Ollama at http:\/\/127\.0\.0\.1:\d+ stopped accepting connections during the run \(.*ECONNREFUSED.*\); gave up after 3 attempts; it was running when the run started/);
      assert.doesNotMatch(result?.reason ?? '', /ollama serve|not reachable/);
      assert.deepEqual(eventsOf(events, 'model-retry').map((retry) => retry.kind), ['connection-lost', 'connection-refused']);
      assert.ok(result?.commit, 'the edit made before is delivered as a failed attempt');
    } finally {
      await repo.dispose();
    }
  });
});
