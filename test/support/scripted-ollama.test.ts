// The scripted Ollama server's own contract, which the agent's tests rely on:
// /api/chat streams NDJSON like Ollama, tool calls included, and ends with a
// done record carrying counts and durations.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Ollama } from 'ollama';
import { startScriptedOllama, type ChatRequestBody, type ScriptedOllama } from './scripted-ollama.js';

const chatModel = 'qwen2.5-coder:7b';
const readFileTool = {
  type: 'function',
  function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
};

/** POSTs to /api/chat and returns the content type and every NDJSON line, parsed. */
async function chatLines(server: ScriptedOllama, body: Record<string, unknown>): Promise<{ contentType: string | null; lines: Record<string, unknown>[] }> {
  const response = await fetch(`${server.host}/api/chat`, { method: 'POST', body: JSON.stringify(body) });
  assert.equal(response.status, 200);
  const text = await response.text();
  assert.ok(text.endsWith('\n'), 'every NDJSON record ends with a newline');
  return { contentType: response.headers.get('content-type'), lines: text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('scripted Ollama server', () => {
  let server: ScriptedOllama;
  before(async () => {
    server = await startScriptedOllama({
      models: [
        { name: chatModel, architecture: 'qwen2', contextLength: 32768, embeddingLength: 3584, capabilities: ['completion', 'tools'] },
        { name: 'plain-chat', capabilities: ['completion'] },
      ],
    });
  });
  after(() => server.close());

  it('streams content as NDJSON chunks, then a done record with counts and durations', async () => {
    server.setChat([{ content: 'The sky is blue because of Rayleigh scattering.' }]);
    const { contentType, lines } = await chatLines(server, { model: chatModel, messages: [{ role: 'user', content: 'why is the sky blue?' }] });
    assert.equal(contentType, 'application/x-ndjson');
    assert.ok(lines.length > 2);
    const final = lines.at(-1) as Record<string, unknown>;
    for (const line of lines.slice(0, -1)) {
      assert.equal(line.done, false);
      assert.equal(line.model, chatModel);
      assert.equal(typeof line.created_at, 'string');
      assert.equal((line.message as { role: string }).role, 'assistant');
    }
    assert.equal(lines.slice(0, -1).map((line) => (line.message as { content: string }).content).join(''), 'The sky is blue because of Rayleigh scattering.');
    assert.equal(final.done, true);
    assert.equal(final.done_reason, 'stop');
    assert.deepEqual(final.message, { role: 'assistant', content: '' });
    for (const field of ['total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration']) {
      assert.ok(typeof final[field] === 'number' && final[field] > 0, `${field} is a positive number`);
    }
  });

  it('streams tool calls the ollama client understands, and records the request', async () => {
    server.setChat([{ content: 'Reading it.', toolCalls: [{ name: 'read_file', arguments: { path: 'src/app.ts' } }], promptEvalCount: 321, evalCount: 12 }]);
    const client = new Ollama({ host: server.host });
    const stream = await client.chat({ model: chatModel, messages: [{ role: 'user', content: 'open app.ts' }], tools: [readFileTool], stream: true });
    const parts = [];
    for await (const part of stream) parts.push(part);
    const calls = parts.flatMap((part) => part.message.tool_calls ?? []);
    assert.deepEqual(calls.map((call) => call.function), [{ index: 0, name: 'read_file', arguments: { path: 'src/app.ts' } }]);
    assert.equal(parts.map((part) => part.message.content).join(''), 'Reading it.');
    const final = parts.at(-1);
    assert.equal(final?.done, true);
    assert.equal(final?.prompt_eval_count, 321);
    assert.equal(final?.eval_count, 12);
    const recorded = server.requestsTo('/api/chat').at(-1);
    assert.equal(recorded?.method, 'POST');
    assert.deepEqual((recorded?.body as ChatRequestBody).tools, [readFileTool]);
  });

  it('answers stream: false with one object holding the whole message', async () => {
    server.setChat((request, turn) => ({ content: `turn ${turn}: ${request.messages?.at(-1)?.content ?? ''}`, toolCalls: [{ name: 'done', arguments: {} }] }));
    const client = new Ollama({ host: server.host });
    const first = await client.chat({ model: chatModel, messages: [{ role: 'user', content: 'hello' }], stream: false });
    const second = await client.chat({ model: chatModel, messages: [{ role: 'user', content: 'again' }], stream: false });
    assert.equal(first.message.content, 'turn 0: hello');
    assert.equal(second.message.content, 'turn 1: again');
    assert.equal(first.done, true);
    assert.equal(first.message.tool_calls?.[0]?.function.name, 'done');
  });

  it('fails like Ollama: unknown model, tools on a model without them, an exhausted script', async () => {
    server.setChat([]);
    const client = new Ollama({ host: server.host });
    const messages = [{ role: 'user', content: 'hi' }];
    await assert.rejects(client.chat({ model: 'missing', messages }), { name: 'ResponseError', status_code: 404, message: 'model "missing" not found, try pulling it first' });
    await assert.rejects(client.chat({ model: 'plain-chat', messages, tools: [readFileTool] }), { status_code: 400, message: /does not support tools/ });
    await assert.rejects(client.chat({ model: chatModel, messages }), { status_code: 500, message: /no reply scripted for chat request 1/ });
  });

  it('serves /api/version, /api/tags and /api/show, and scripted failures', async () => {
    const client = new Ollama({ host: server.host });
    assert.equal((await client.version()).version, '0.12.6');
    assert.deepEqual(
      (await client.list()).models.map((entry) => entry.name),
      [`${chatModel}`, 'plain-chat:latest'],
    );
    const shown = await client.show({ model: chatModel });
    assert.deepEqual(shown.capabilities, ['completion', 'tools']);
    const info = shown.model_info as unknown as Record<string, unknown>;
    assert.equal(info['general.architecture'], 'qwen2');
    assert.equal(info['qwen2.context_length'], 32768);
    assert.equal(info['qwen2.embedding_length'], 3584);
    await assert.rejects(client.show({ model: 'nope' }), { status_code: 404, message: "model 'nope' not found" });

    server.setFailure('/api/tags', { status: 503, error: 'server busy', times: 1 });
    await assert.rejects(client.list(), { status_code: 503, message: 'server busy' });
    assert.equal((await client.list()).models.length, 2);
  });
});
