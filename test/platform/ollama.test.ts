// The Ollama connection both the embedder and the agent use: where a host setting
// points, what privacy mode allows, the facts of /api/show, and requests that carry
// the caller's signal and fail with messages a user can act on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OllamaConnection, checkOllamaHost, isAbortError, modelFacts, ollamaHostUrl } from '../../platform/index.js';
import { MinionsError } from '../../schemas/index.js';
import { closedPort, startScriptedOllama, type ScriptedOllama } from '../support/scripted-ollama.js';

describe('Ollama host settings', () => {
  it('reads a host as the ollama client does: no scheme means port 11434, a bare port means loopback', () => {
    assert.equal(ollamaHostUrl('127.0.0.1:11434').href, 'http://127.0.0.1:11434/');
    assert.equal(ollamaHostUrl('gpu.lan').href, 'http://gpu.lan:11434/');
    assert.equal(ollamaHostUrl(':8080').href, 'http://127.0.0.1:8080/');
    assert.equal(ollamaHostUrl('http://gpu.lan').port, '');
    assert.equal(ollamaHostUrl('https://[::1]:443').hostname, '[::1]');
    assert.throws(() => ollamaHostUrl('http://exa mple:1', 'the embedder'), { code: 'invalid-argument', message: /not a valid URL \(the embedder\)/ });
  });

  it('lets privacy mode judge the port the client will really use', () => {
    const policy = { privacy: true, allowedHosts: ['gpu.lan:11434'] };
    assert.doesNotThrow(() => checkOllamaHost('gpu.lan', 'test', policy));
    assert.doesNotThrow(() => checkOllamaHost(':11434', 'test', policy));
    assert.throws(() => checkOllamaHost('http://gpu.lan', 'OLLAMA_HOST', policy), /the model host gpu\.lan \(OLLAMA_HOST\) is not on this machine/);
    assert.doesNotThrow(() => checkOllamaHost('http://gpu.lan', 'test', { privacy: false, allowedHosts: [] }));
  });
});

describe('modelFacts', () => {
  it('reads context and vector size of the model architecture, from a Map or an object', () => {
    const info = { 'general.architecture': 'qwen2', 'qwen2.context_length': 32768, 'qwen2.embedding_length': 1024, 'clip.context_length': 77 };
    assert.deepEqual(modelFacts({ model_info: info, capabilities: ['completion'] }), { capabilities: ['completion'], contextLength: 32768, dimension: 1024 });
    assert.deepEqual(modelFacts({ model_info: new Map(Object.entries(info)) }), { capabilities: [], contextLength: 32768, dimension: 1024 });
  });

  it('lowers the context to a num_ctx parameter, and takes num_ctx alone when nothing else is reported', () => {
    const info = { 'general.architecture': 'llama', 'llama.context_length': 131072 };
    assert.equal(modelFacts({ model_info: info, parameters: 'stop "<|eot|>"\nnum_ctx 4096' }).contextLength, 4096);
    assert.equal(modelFacts({ model_info: {}, parameters: 'num_ctx 2048' }).contextLength, 2048);
    assert.deepEqual(modelFacts({ model_info: { 'general.architecture': 'bert', 'bert.context_length': 1.5 } }), { capabilities: [] });
  });
});

describe('OllamaConnection', () => {
  let ollama: ScriptedOllama;
  before(async () => {
    ollama = await startScriptedOllama({ models: [{ name: 'coder:7b', architecture: 'qwen2', contextLength: 32768, capabilities: ['completion'] }] });
  });
  after(() => ollama.close());

  it('refuses a host the client cannot parse before any request', () => {
    assert.throws(() => new OllamaConnection({ host: 'not a url::', model: 'x' }), { code: 'invalid-argument', message: /The Ollama host "not a url::" is not a valid URL/ });
  });

  it('describes a missing model, an HTTP error, and a server that is not there', async () => {
    const missing = new OllamaConnection({ host: ollama.host, model: 'nope:1b' });
    await assert.rejects(missing.request((client) => client.show({ model: 'nope:1b' })), { code: 'model-unavailable', message: /^Model nope:1b is not pulled in Ollama at .*; run `ollama pull nope:1b`\.$/ });
    const custom = new OllamaConnection({ host: ollama.host, model: 'nope:1b', missingModelMessage: 'pull it' });
    await assert.rejects(custom.request((client) => client.show({ model: 'nope:1b' })), { message: 'pull it' });
    ollama.setFailure('/api/tags', { status: 500, error: 'runner crashed' });
    try {
      const failing = new OllamaConnection({ host: ollama.host, model: 'coder:7b' });
      await assert.rejects(failing.request((client) => client.list()), { message: /failed with model coder:7b \(HTTP 500\): runner crashed/ });
    } finally {
      ollama.setFailure('/api/tags', undefined);
    }
    const host = `http://127.0.0.1:${await closedPort()}`;
    const down = new OllamaConnection({ host, model: 'coder:7b' });
    await assert.rejects(down.request((client) => client.list()), { message: /^Ollama is not reachable at .*ECONNREFUSED.*ollama serve/ });
  });

  it('gives up after its timeout, stops with the caller abort, and ends requests when closed', async () => {
    ollama.setDelay('/api/show', Infinity);
    try {
      const connection = new OllamaConnection({ host: ollama.host, model: 'coder:7b' });
      await assert.rejects(connection.request((client) => client.show({ model: 'coder:7b' }), { timeoutMs: 100 }), { message: /did not describe model coder:7b within 0\.1 s/ });
      const controller = new AbortController();
      const aborted = connection.request((client) => client.show({ model: 'coder:7b' }), { signal: controller.signal });
      await ollama.waitForRequest('/api/show', 2);
      controller.abort();
      await assert.rejects(aborted, (error: unknown) => isAbortError(error));
      const closing = connection.request((client) => client.show({ model: 'coder:7b' }));
      await ollama.waitForRequest('/api/show', 3);
      connection.close();
      await assert.rejects(closing, (error: unknown) => error instanceof MinionsError && /is closed/.test(error.message));
    } finally {
      ollama.setDelay('/api/show', undefined);
    }
  });
});
