// The scripted Ollama's context window, as Ollama's chatPrompt and runner apply it:
// silent truncation of the oldest messages (system messages and the last one kept, a
// tool result never without its call), the effective num_ctx (request, Modelfile,
// default), prompt_eval_count of what was kept, truncate: false, and num_predict.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ollamaDefaultNumCtx, renderedPromptTokens, startScriptedOllama, type ChatMessageBody, type ChatRequestBody, type ScriptedOllama } from './scripted-ollama.js';

const filler = (words: number): string => Array.from({ length: words }, (_, index) => `word${index}`).join(' ');

describe('scripted Ollama: the context window', () => {
  let server: ScriptedOllama;
  const seen: ChatRequestBody[] = [];
  before(async () => {
    server = await startScriptedOllama({
      models: [
        { name: 'coder:7b', architecture: 'qwen2', contextLength: 32_768, capabilities: ['completion', 'tools'] },
        { name: 'budget:7b', architecture: 'qwen2', contextLength: 32_768, parameters: 'num_ctx 1024', capabilities: ['completion', 'tools'] },
      ],
      chat: (request) => {
        seen.push(request);
        const task = request.messages?.some((message) => message.content?.includes('TASK')) ?? false;
        return { content: task ? 'On it.' : 'What would you like me to change?' };
      },
    });
  });
  after(() => server.close());

  async function chat(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${server.host}/api/chat`, { method: 'POST', body: JSON.stringify({ stream: false, ...body }) });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  it('drops the oldest messages silently (the task among them), keeps the system prompt and the last message', async () => {
    const messages: ChatMessageBody[] = [
      { role: 'system', content: 'You are a minion.' },
      { role: 'user', content: 'TASK: fix add()' },
      { role: 'assistant', content: filler(300) },
      { role: 'user', content: filler(300) },
      { role: 'user', content: 'Continue.' },
    ];
    const { status, json } = await chat({ model: 'coder:7b', messages, options: { num_ctx: 400 } });
    assert.equal(status, 200);
    assert.equal((json.message as { content: string }).content, 'What would you like me to change?');
    const kept = seen.at(-1)?.messages ?? [];
    assert.deepEqual(kept.map((message) => message.content?.slice(0, 12)), ['You are a mi', filler(300).slice(0, 12), 'Continue.']);
    const context = server.chatContexts.at(-1);
    assert.ok(context);
    assert.deepEqual([context.numCtx, context.dropped], [400, 2]);
    assert.equal(json.prompt_eval_count, renderedPromptTokens(kept));
    assert.ok((json.prompt_eval_count as number) <= 400);
    assert.ok(context.renderedTokens > 400);
  });

  it('never keeps a tool result without the assistant call that produced it', async () => {
    const call = { function: { name: 'read_file', arguments: { path: 'a.js' } } };
    const messages: ChatMessageBody[] = [
      { role: 'system', content: 'You are a minion.' },
      { role: 'user', content: 'TASK: fix add()' },
      { role: 'assistant', content: '', tool_calls: [call] },
      { role: 'tool', content: filler(350), tool_name: 'read_file' },
    ];
    await chat({ model: 'coder:7b', messages, options: { num_ctx: 400 } });
    assert.deepEqual(seen.at(-1)?.messages?.map((message) => message.role), ['system', 'assistant', 'tool']);
    assert.equal(server.chatContexts.at(-1)?.promptTokens, 400, 'what still does not fit is cut to num_ctx by the runner');
  });

  it("uses the request's num_ctx, else the Modelfile's, else Ollama's default, and refuses instead with truncate: false", async () => {
    const messages = [{ role: 'user', content: `TASK ${filler(1500)}` }];
    await chat({ model: 'budget:7b', messages });
    assert.equal(server.chatContexts.at(-1)?.numCtx, 1024);
    await chat({ model: 'coder:7b', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(server.chatContexts.at(-1)?.numCtx, ollamaDefaultNumCtx);
    await chat({ model: 'budget:7b', messages, options: { num_ctx: 8192 } });
    assert.equal(server.chatContexts.at(-1)?.numCtx, 8192);
    const refused = await chat({ model: 'budget:7b', messages, truncate: false });
    assert.deepEqual([refused.status, refused.json], [400, { error: 'the input length exceeds the context length' }]);
  });

  it('cuts a reply at num_predict, drops its calls and ends it with done_reason "length"', async () => {
    server.setChat([{ content: filler(50), toolCalls: [{ name: 'finish', arguments: { summary: 'x' } }] }, { content: 'short' }]);
    const cut = await chat({ model: 'coder:7b', messages: [{ role: 'user', content: 'go' }], options: { num_predict: 10 } });
    assert.deepEqual([(cut.json.message as { content: string }).content, cut.json.done_reason, cut.json.eval_count, (cut.json.message as { tool_calls?: unknown }).tool_calls], [filler(10), 'length', 10, undefined]);
    const whole = await chat({ model: 'coder:7b', messages: [{ role: 'user', content: 'go' }], options: { num_predict: 10 } });
    assert.deepEqual([(whole.json.message as { content: string }).content, whole.json.done_reason], ['short', 'stop']);
  });
});
