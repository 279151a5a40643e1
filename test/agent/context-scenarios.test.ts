// Scenarios of the context budget through the real runner, over real git and `npm test`,
// against the scripted Ollama that truncates like Ollama: a model whose Modelfile sets
// num_ctx 4096 reads large files and still sees its task; a runaway reply and a reply
// cut at num_predict never enter the history whole (and the model is told); an overflow
// (a 400, or a prompt_eval_count at num_ctx) is shrunk and retried; --num-ctx and the
// task's numCtx win over the Modelfile.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startScriptedOllama, type ChatReply, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, makeRepo, runTask, toolModel } from './agent-fixtures.js';

/** A tool model whose Modelfile says `num_ctx 4096`, as a user with 8 GB of VRAM would set it. */
const smallModel = 'coder4k:7b';
/** The same without native tools: its calls are printed, its results come back as user messages. */
const textModel4k = 'texty4k:1b';
const prompt = 'Fix add in src/math.js: it subtracts.';
const bigFile = Array.from({ length: 900 }, (_, index) => `export const value${index} = compute(${index}, 'some text for line ${index}');`).join('\n');
const fixAdd = { name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } };
const finish = { name: 'finish', arguments: { summary: 'add() now adds.' } };

/** A scripted model that, like a real one, cannot act on a task it no longer sees. */
function forgetful(steps: readonly ChatReply[]): (request: ChatRequestBody, turn: number) => ChatReply {
  return (request, turn) => {
    const sawTask = request.messages?.some((message) => message.role !== 'system' && (message.content ?? '').includes(prompt)) ?? false;
    if (!sawTask) return { content: 'What would you like me to change?' };
    return steps[turn] ?? { content: 'Nothing left to do.' };
  };
}

const chatBodies = (ollama: ScriptedOllama): ChatRequestBody[] => ollama.requestsTo('/api/chat').map((request) => request.body as ChatRequestBody);

describe('agent run: context that never loses the task', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startScriptedOllama({
      models: [
        { name: smallModel, architecture: 'qwen2', contextLength: 32_768, parameters: 'num_ctx 4096', capabilities: ['completion', 'tools'] },
        { name: toolModel, architecture: 'qwen2', contextLength: 32_768, capabilities: ['completion', 'tools'] },
        { name: textModel4k, architecture: 'llama', contextLength: 131_072, parameters: 'num_ctx 4096', capabilities: ['completion'] },
      ],
    });
  });
  after(() => ollama.close());

  it('reads large files under a Modelfile num_ctx of 4096 and still sees the task, never sending more than fits', async () => {
    const repo = await makeRepo({ ...calculatorFiles, 'src/big.js': `${bigFile}\n` });
    const read = (start?: number): ChatReply => ({ toolCalls: [{ name: 'read_file', arguments: { path: 'src/big.js', ...(start === undefined ? {} : { start_line: start }) } }] });
    ollama.setChat(forgetful([read(), read(60), read(120), read(180), read(240), { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] }, { toolCalls: [fixAdd] }, { toolCalls: [finish] }]));
    const before = ollama.chatContexts.length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt }, { model: smallModel });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const contexts = ollama.chatContexts.slice(before);
      assert.ok(contexts.length >= 8);
      for (const body of chatBodies(ollama).slice(before)) assert.ok((body.options?.num_ctx as number) <= 4096, `num_ctx ${String(body.options?.num_ctx)} <= 4096`);
      for (const context of contexts) {
        assert.equal(context.numCtx, 4096);
        assert.ok(context.renderedTokens + 1024 <= context.numCtx, `the prompt (${context.renderedTokens} tokens) leaves the reply budget free`);
        assert.equal(context.dropped, 0, 'Ollama never had to drop a message');
      }
      const trims = eventsOf(events, 'context-trim');
      assert.ok(trims.some((trim) => trim.reason === 'budget' && (trim.elidedOutputs as number) > 0), 'old reads were elided to fit');
      const last = chatBodies(ollama).at(-1);
      assert.ok(last?.messages?.some((message) => /^\[read_file src\/big\.js lines \d+-\d+: [\d,]+ characters elided to fit the context\]$/.test(message.content ?? '')), 'an elided read leaves its trace');
      const calls = eventsOf(events, 'model-call');
      assert.ok(calls.every((call) => (call.inputTokens as number) < 4096));
    } finally {
      await repo.dispose();
    }
  });

  it('does the same for a model without native tools (the tool prompt counted in the system message)', async () => {
    const repo = await makeRepo({ ...calculatorFiles, 'src/big.js': `${bigFile}\n` });
    const printed = (name: string, args: Record<string, unknown>): ChatReply => ({ content: JSON.stringify({ name, arguments: args }) });
    const read = (start: number): ChatReply => printed('read_file', { path: 'src/big.js', start_line: start });
    ollama.setChat(forgetful([read(1), read(60), read(120), read(180), printed(fixAdd.name, fixAdd.arguments), printed(finish.name, finish.arguments)]));
    const before = ollama.chatContexts.length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt }, { model: textModel4k });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      for (const context of ollama.chatContexts.slice(before)) {
        assert.ok(context.renderedTokens + 1024 <= context.numCtx, `the prompt (${context.renderedTokens} tokens) leaves the reply budget free`);
        assert.equal(context.dropped, 0);
      }
      assert.ok(eventsOf(events, 'context-trim').length > 0);
      assert.ok(eventsOf(events, 'model-call').every((call) => call.toolCallSource === 'text'));
    } finally {
      await repo.dispose();
    }
  });

  it('caps a 200 KB runaway reply and a reply cut at num_predict before they enter the history, and names the cut', async () => {
    const repo = await makeRepo(calculatorFiles);
    // 200 KB that the scripted tokenizer reads as few tokens, so it arrives whole with done_reason "stop".
    const runaway = `I will now think about this. ${'blah'.repeat(50_000)}`;
    const longCreate = `{"name": "create_file", "arguments": {"path": "src/huge.js", "content": "${'x = 1; '.repeat(3000)}"}}`;
    ollama.setChat(forgetful([{ content: runaway }, { content: longCreate }, { toolCalls: [fixAdd] }, { toolCalls: [finish] }]));
    const before = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt }, { model: smallModel });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const bodies = chatBodies(ollama).slice(before);
      const second = bodies[1]?.messages ?? [];
      const kept = second.find((message) => message.role === 'assistant')?.content ?? '';
      assert.ok(kept.length < 12_000 && kept.startsWith('I will now think'), `the runaway reply is kept by its head and tail (${kept.length} characters)`);
      const third = bodies[2]?.messages ?? [];
      assert.match(third.at(-1)?.content ?? '', /^Your reply was cut at 1024 tokens \(the reply limit is 1024\), so nothing in it was run\. Take a smaller step/);
      assert.ok((third.at(-2)?.content ?? '').length < 700, 'the cut reply enters the history shortened');
      assert.ok(bodies.every((body) => body.options?.num_predict === 1024), 'num_predict is a quarter of the 4k context');
      assert.deepEqual(eventsOf(events, 'model-call').slice(0, 2).map((call) => call.doneReason), ['stop', 'length']);
      assert.doesNotMatch(result?.diff ?? '', /huge\.js/, 'nothing of the cut reply ran');
    } finally {
      await repo.dispose();
    }
  });

  it("shrinks and retries after Ollama's 400 for a prompt over num_ctx and after a prompt_eval_count at num_ctx", async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat([{ toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] }, { toolCalls: [fixAdd], promptEvalCount: 4096 }, { toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
    ollama.setFailure('/api/chat', { status: 400, error: 'the input length exceeds the context length', times: 1 });
    const before = ollama.requestsTo('/api/chat').length;
    try {
      const { result, events } = await runTask(repo, ollama, { prompt }, { model: smallModel });
      assert.equal(result?.outcome, 'succeeded', result?.reason);
      const overflows = eventsOf(events, 'context-trim').filter((trim) => trim.reason !== 'budget');
      assert.deepEqual(overflows.map((trim) => [trim.reason, trim.retry, trim.reportedTokens]), [['rejected', 1, null], ['truncated', 1, 4096]]);
      assert.ok((overflows[1]?.limitTokens as number) > 0);
      assert.equal(ollama.requestsTo('/api/chat').length - before, 5, 'one refused request, one truncated turn, each retried once');
      assert.ok((result?.tokens.input ?? 0) >= 4096, 'the tokens of the truncated turn are counted');
      assert.equal(eventsOf(events, 'model-call').length, 3, 'the retried turns are one step each');
    } finally {
      await repo.dispose();
    }
  });

  it('takes --num-ctx (the runner option) and the task numCtx over the Modelfile', async () => {
    const repo = await makeRepo(calculatorFiles);
    try {
      ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
      let before = ollama.requestsTo('/api/chat').length;
      const fromOption = await runTask(repo, ollama, { prompt }, { model: smallModel, numCtx: 8192 });
      assert.equal(fromOption.result?.outcome, 'succeeded', fromOption.result?.reason);
      assert.deepEqual([...new Set(chatBodies(ollama).slice(before).map((body) => body.options?.num_ctx))], [8192]);
      ollama.setChat([{ toolCalls: [fixAdd] }, { toolCalls: [finish] }]);
      before = ollama.requestsTo('/api/chat').length;
      await runTask(repo, ollama, { prompt, numCtx: 6144 }, { model: smallModel, numCtx: 8192 });
      assert.deepEqual([...new Set(chatBodies(ollama).slice(before).map((body) => [body.options?.num_ctx, body.options?.num_predict]).map(String))], ['6144,1536']);
    } finally {
      await repo.dispose();
    }
  });
});
