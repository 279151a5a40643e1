// The model client against the scripted Ollama: what it learns from /api/show and
// /api/tags, what every chat request carries, and its clear errors and timeouts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connectModel, isContextOverflow } from '../../agent/model/ollama-model.js';
import { MinionsError } from '../../schemas/index.js';
import { startScriptedOllama, type ChatRequestBody, type ScriptedOllama } from '../support/scripted-ollama.js';

describe('Ollama model client', () => {
  let ollama: ScriptedOllama;
  const signal = new AbortController().signal;
  before(async () => {
    ollama = await startScriptedOllama({
      models: [
        { name: 'big:32b', architecture: 'qwen3', contextLength: 262_144, capabilities: ['completion', 'tools'] },
        { name: 'small', architecture: 'llama', contextLength: 131_072, parameters: 'num_ctx 4096', capabilities: ['completion'] },
        { name: 'nomic-embed-text', capabilities: ['embedding'] },
      ],
    });
  });
  after(() => ollama.close());

  it('reads capabilities, digest and context; caps num_ctx; honours a num_ctx parameter', async () => {
    const big = await connectModel({ host: ollama.host, model: 'big:32b', maxContextLength: 32_768 }, signal);
    assert.deepEqual({ ...big.info, digest: big.info.digest.length }, { name: 'big:32b', digest: 64, capabilities: ['completion', 'tools'], contextLength: 262_144, numCtx: 32_768, numPredict: 4096, nativeTools: true, temperature: 0.2, temperatureSource: 'default' });
    const small = await connectModel({ host: ollama.host, model: 'small', maxContextLength: 32_768 }, signal);
    assert.deepEqual([small.info.contextLength, small.info.numCtx, small.info.nativeTools], [4096, 4096, false]);
    assert.notEqual(small.info.digest, '');
  });

  it('streams a turn with tool calls, token counts, num_ctx and keep_alive', async () => {
    ollama.setChat([{ content: 'Reading.', toolCalls: [{ name: 'read_file', arguments: { path: 'a.ts' } }], promptEvalCount: 120, evalCount: 9 }]);
    const model = await connectModel({ host: ollama.host, model: 'big:32b', maxContextLength: 16_384, keepAlive: '5m' }, signal);
    const turn = await model.chat([{ role: 'user', content: 'hi' }], [{ type: 'function', function: { name: 'read_file' } }], signal);
    assert.deepEqual([turn.content, turn.toolCalls, turn.inputTokens, turn.outputTokens, turn.doneReason], ['Reading.', [{ name: 'read_file', arguments: { path: 'a.ts' } }], 120, 9, 'stop']);
    const body = ollama.requestsTo('/api/chat').at(-1)?.body as ChatRequestBody;
    assert.deepEqual([body.options?.num_ctx, body.keep_alive, body.stream, body.tools?.length], [16_384, '5m', true, 1]);
    assert.equal(body.options?.num_predict, 4096, 'num_predict is set on every request');
  });

  it('takes an explicit num_ctx over the Modelfile, and never sends more than the Modelfile without one', async () => {
    const explicit = await connectModel({ host: ollama.host, model: 'small', maxContextLength: 32_768, numCtx: 16_384 }, signal);
    assert.deepEqual([explicit.info.numCtx, explicit.info.numPredict], [16_384, 4096]);
    const modelfile = await connectModel({ host: ollama.host, model: 'small', maxContextLength: 65_536 }, signal);
    assert.deepEqual([modelfile.info.numCtx, modelfile.info.numPredict], [4096, 1024]);
  });

  it("recognises Ollama's 400 for a prompt longer than the context it may not truncate", async () => {
    const model = await connectModel({ host: ollama.host, model: 'big:32b', maxContextLength: 8192 }, signal);
    ollama.setFailure('/api/chat', { status: 400, error: 'the input length exceeds the context length', times: 1 });
    const error = await model.chat([{ role: 'user', content: 'hi' }], [], signal).then(() => undefined, (caught: unknown) => caught);
    assert.ok(isContextOverflow(error), String(error));
    assert.match((error as Error).message, /refused the prompt for model big:32b: it exceeds num_ctx 8192/);
    ollama.setFailure('/api/chat', { status: 500, error: 'llama runner process has terminated', times: 1 });
    const other = await model.chat([{ role: 'user', content: 'hi' }], [], signal).then(() => undefined, (caught: unknown) => caught);
    assert.equal(isContextOverflow(other), false);
  });

  it('refuses an embedding-only model and explains a missing one', async () => {
    await assert.rejects(connectModel({ host: ollama.host, model: 'nomic-embed-text', maxContextLength: 8192 }, signal), /cannot chat \(capabilities: embedding\)/);
    await assert.rejects(connectModel({ host: ollama.host, model: 'nope:1b', maxContextLength: 8192 }, signal), { code: 'model-unavailable', message: /run `ollama pull nope:1b`/ });
    await assert.rejects(connectModel({ host: 'not a url::', model: 'x', maxContextLength: 8192 }, signal), { code: 'invalid-argument' });
  });

  it('gives up on a model that does not start answering, with a clear timeout', async () => {
    const model = await connectModel({ host: ollama.host, model: 'big:32b', maxContextLength: 8192, firstChunkTimeoutMs: 200 }, signal);
    ollama.setDelay('/api/chat', 5_000);
    try {
      const error = await model.chat([{ role: 'user', content: 'hi' }], [], signal).then(() => undefined, (caught: unknown) => caught);
      assert.ok(error instanceof MinionsError);
      assert.match(error.message, /sent nothing for 0.2 s while loading model big:32b/);
    } finally {
      ollama.setDelay('/api/chat', undefined);
    }
  });

  it('stops at once when aborted, with the abort itself', async () => {
    const model = await connectModel({ host: ollama.host, model: 'big:32b', maxContextLength: 8192 }, signal);
    ollama.setDelay('/api/chat', 5_000);
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    try {
      await assert.rejects(model.chat([{ role: 'user', content: 'hi' }], [], controller.signal), { name: 'AbortError' });
    } finally {
      ollama.setDelay('/api/chat', undefined);
    }
  });
});
