// The scripted Ollama's faults and loads on the wire, as raw HTTP: an error status with
// Ollama's body, a 200 stream broken by an error line or a reset, a cold load's
// load_duration, the load-only requests answered `done_reason: "load"` without taking a
// scripted turn, and /api/ps listing what is loaded.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ollamaFaults, startScriptedOllama, type ScriptedOllama } from './scripted-ollama.js';

const model = 'qwen2.5-coder:7b';
const messages = [{ role: 'user', content: 'why is the sky blue?' }];
const answer = 'The sky is blue because of Rayleigh scattering of sunlight.';

function post(server: ScriptedOllama, path: string, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${server.host}${path}`, { method: 'POST', body: JSON.stringify(body) });
}

describe('scripted Ollama faults and loads', () => {
  let server: ScriptedOllama;
  before(async () => {
    server = await startScriptedOllama({ models: [{ name: model, architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] }] });
  });
  after(() => server.close());

  it("answers an error status with Ollama's body before streaming", async () => {
    server.setChat([{ fault: ollamaFaults.busy }, { fault: ollamaFaults.runnerStopped }]);
    const busy = await post(server, '/api/chat', { model, messages });
    assert.deepEqual([busy.status, await busy.json()], [503, { error: 'server busy, please try again.  maximum pending requests exceeded' }]);
    const crashed = await post(server, '/api/chat', { model, messages });
    assert.equal(crashed.status, 500);
    assert.match(((await crashed.json()) as { error: string }).error, /^model runner has unexpectedly stopped/);
  });

  it('streams the first chunks of a reply, then an error line, and ends without a done record', async () => {
    server.setChat([{ content: answer, fault: ollamaFaults.streamError(3) }]);
    const response = await post(server, '/api/chat', { model, messages });
    assert.equal(response.status, 200);
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 4);
    assert.deepEqual(lines.slice(0, 3).map((line) => line.done), [false, false, false]);
    assert.deepEqual(lines[3], { error: 'an error was encountered while running the model: unexpected EOF' });
  });

  it('resets the connection after the first chunks', async () => {
    server.setChat([{ content: answer, fault: ollamaFaults.reset(2) }]);
    const response = await post(server, '/api/chat', { model, messages });
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), (error: Error) => error instanceof TypeError && /other side closed|ECONNRESET/.test(String((error.cause as Error | undefined)?.message ?? (error.cause as { code?: string } | undefined)?.code)));
  });

  it('loads a model on a request without messages or prompt, without taking a turn, and lists it in /api/ps', async () => {
    server.unloadAll();
    assert.deepEqual(await (await fetch(`${server.host}/api/ps`)).json(), { models: [] });
    server.setChat([{ content: answer, loadDurationMs: 61_234 }]);
    const generated = (await (await post(server, '/api/generate', { model, prompt: '', stream: false })).json()) as Record<string, unknown>;
    assert.deepEqual([generated.response, generated.done, generated.done_reason], ['', true, 'load']);
    const chatted = (await (await post(server, '/api/chat', { model, messages: [] })).json()) as Record<string, unknown>;
    assert.deepEqual([chatted.message, chatted.done, chatted.done_reason], [{ role: 'assistant', content: '' }, true, 'load']);
    const listed = (await (await fetch(`${server.host}/api/ps`)).json()) as { models: { name: string }[] };
    assert.deepEqual(listed.models.map((entry) => entry.name), [model]);
    // The scripted turn is still the first: a cold load reported in load_duration.
    const response = await post(server, '/api/chat', { model, messages, stream: false });
    assert.equal(((await response.json()) as { load_duration: number }).load_duration, 61_234_000_000);
  });
});
