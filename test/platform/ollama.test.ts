// The Ollama connection both the embedder and the agent use: where a host setting
// points, what privacy mode allows, the facts of /api/show, and requests that carry
// the caller's signal and fail with messages a user can act on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OllamaConnection, checkOllamaHost, classifyOllamaFault, describeOllamaFault, describeRunningOllamaError, isAbortError, modelFacts, ollamaHostUrl } from '../../platform/index.js';
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

describe('classifyOllamaFault', () => {
  /** An error as the ollama client throws it for an HTTP error answer. */
  const answered = (status: number, message: string): Error => Object.assign(new Error(message), { name: 'ResponseError', status_code: status });
  /** An error as undici throws it, with its cause chain. */
  const socket = (message: string, code: string): Error => new TypeError(message, { cause: Object.assign(new Error(code === 'UND_ERR_SOCKET' ? 'other side closed' : `read ${code}`), { code }) });

  it('tells passing faults by status and words: busy, crashed runner, tool-call parser, error line, cut connection', () => {
    const kinds = (error: Error, phase: 'request' | 'stream' = 'request'): [string | undefined, boolean | undefined] => {
      const fault = classifyOllamaFault(error, phase);
      return [fault?.kind, fault?.transient];
    };
    assert.deepEqual(kinds(answered(503, 'server busy, please try again.  maximum pending requests exceeded')), ['busy', true]);
    assert.deepEqual(kinds(answered(500, 'llama runner process has terminated: exit status 2')), ['runner-crashed', true]);
    assert.deepEqual(kinds(answered(500, 'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details')), ['runner-crashed', true]);
    assert.deepEqual(kinds(answered(500, "error parsing tool call: raw='{\"a\":1}]', err=invalid character ']' after top-level value")), ['tool-call-parse', true]);
    assert.deepEqual(kinds(answered(500, 'unexpected server status: llm busy - no slots available')), ['busy', true]);
    assert.deepEqual(kinds(new Error("error parsing tool call: invalid character 'c' looking for beginning of value"), 'stream'), ['tool-call-parse', true]);
    assert.deepEqual(kinds(new Error('an error was encountered while running the model: unexpected EOF'), 'stream'), ['stream-error', true]);
    assert.deepEqual(kinds(new Error('Did not receive done or success response in stream.'), 'stream'), ['connection-lost', true]);
    assert.deepEqual(kinds(socket('terminated', 'UND_ERR_SOCKET'), 'stream'), ['connection-lost', true]);
    assert.deepEqual(kinds(socket('fetch failed', 'ECONNRESET')), ['connection-lost', true]);
    assert.deepEqual(kinds(socket('fetch failed', 'ECONNREFUSED')), ['connection-refused', true]);
  });

  it('does not pass what another attempt cannot fix: missing model, bad request, context overflow, timeouts, cancellation', () => {
    assert.equal(classifyOllamaFault(answered(404, 'model "x" not found, try pulling it first'), 'request')?.transient, false);
    assert.equal(classifyOllamaFault(answered(400, 'the input length exceeds the context length'), 'request')?.transient, false);
    assert.equal(classifyOllamaFault(answered(500, 'something else'), 'request')?.transient, false);
    assert.equal(classifyOllamaFault(new MinionsError('model-unavailable', 'Ollama at h stopped streaming from model m for 120 s.'), 'stream'), undefined);
    assert.equal(classifyOllamaFault(new DOMException('aborted', 'AbortError'), 'stream'), undefined);
    // A plain error before any answer is not Ollama's (it never sent an error line).
    assert.equal(classifyOllamaFault(new Error('boom'), 'request'), undefined);
  });

  it('words each fault for what happened, with the attempts, and never as "start it with ollama serve"', () => {
    const busy = describeOllamaFault({ kind: 'busy', transient: true, detail: 'HTTP 503: server busy' }, 'http://h:1', 'm:7b', 3);
    assert.match(busy.message, /^Ollama at http:\/\/h:1 was too busy to take the request for m:7b \(HTTP 503: server busy\); gave up after 3 attempts\./);
    const crashed = describeOllamaFault({ kind: 'runner-crashed', transient: true, detail: 'llama runner process has terminated: exit status 2' }, 'http://h:1', 'm:7b', 3);
    assert.match(crashed.message, /^Ollama's model runner crashed while running m:7b/);
    for (const kind of ['busy', 'runner-crashed', 'tool-call-parse', 'stream-error', 'connection-lost', 'connection-refused'] as const) {
      const error = describeOllamaFault({ kind, transient: true, detail: 'x' }, 'http://h:1', 'm', 1);
      assert.equal(error.code, 'model-unavailable');
      assert.doesNotMatch(error.message, /ollama serve|gave up/);
    }
  });

  it('words an unknown failure of a running Ollama for what it is, never "not reachable"', () => {
    const known = (error: unknown): MinionsError => new MinionsError('model-unavailable', `described: ${(error as Error).message}`);
    assert.equal(describeRunningOllamaError(answered(404, 'model "m" not found'), 'http://h:1', 'm', known).message, 'described: model "m" not found');
    const odd = describeRunningOllamaError(new TypeError("Cannot read properties of undefined (reading 'content')"), 'http://h:1', 'm', known);
    assert.equal(odd.message, "A request to model m in Ollama at http://h:1 failed: Cannot read properties of undefined (reading 'content').");
    assert.doesNotMatch(odd.message, /ollama serve|not reachable/);
  });

  it("reads the Modelfile's temperature from /api/show parameters", () => {
    assert.equal(modelFacts({ parameters: 'num_ctx 4096\ntemperature 0.6\nstop "<|im_end|>"' }).temperature, 0.6);
    assert.equal(modelFacts({ parameters: 'num_ctx 4096' }).temperature, undefined);
  });
});
