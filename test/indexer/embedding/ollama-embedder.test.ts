import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOllamaEmbedder, type Embedder } from '../../../indexer/embedding/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { isAbortError } from '../../../platform/index.js';
import { closedPort, startScriptedOllama, type ScriptedOllama } from '../../support/scripted-ollama.js';

const model = 'code-embed';

function norm(vector: Float32Array): number {
  return Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
}

function dot(left: Float32Array, right: Float32Array): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] as number), 0);
}

/** The `input` list of every recorded /api/embed request. */
function embedInputs(server: ScriptedOllama): string[][] {
  return server.requestsTo('/api/embed').map((request) => (request.body as { input: string[] }).input);
}

function isModelUnavailable(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof MinionsError, `expected a MinionsError, got ${String(error)}`);
    assert.equal(error.code, 'model-unavailable');
    assert.match(error.message, pattern);
    return true;
  };
}

describe('createOllamaEmbedder', () => {
  let server: ScriptedOllama;
  before(async () => {
    server = await startScriptedOllama({
      models: [
        { name: model, architecture: 'nomic-bert', contextLength: 100, embeddingLength: 64, vectorScale: 5 },
        { name: 'small-ctx', contextLength: 2048, embeddingLength: 32, parameters: 'num_ctx 50' },
        { name: 'no-info', embeddingLength: 48, modelInfo: {} },
        { name: 'chat-only', capabilities: ['completion', 'tools'] },
      ],
    });
  });
  after(() => server.close());

  it('reads the dimension and context length from /api/show', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    assert.equal(embedder.modelId, `ollama:${model}`);
    assert.equal(embedder.dimension, 64);
    assert.deepEqual(server.requestsTo('/api/show').at(-1)?.body, { model });
    const [vector] = await embedder.embed(['function add(a, b) { return a + b; }']);
    assert.equal(vector?.length, 64);
    await embedder.close();
  });

  it('learns the dimension from a probe embedding when /api/show reports none', async () => {
    const before = server.requestsTo('/api/embed').length;
    const embedder = await createOllamaEmbedder({ host: server.host, model: 'no-info' });
    assert.equal(embedder.dimension, 48);
    assert.equal(server.requestsTo('/api/embed').length, before + 1);
    assert.equal((await embedder.embed(['x']))[0]?.length, 48);
  });

  it('sends batches of batchSize texts, with truncate and keep_alive, and keeps the input order', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model, batchSize: 4, keepAlive: '10m' });
    const texts = Array.from({ length: 10 }, (_, index) => `const value${index} = load(${index});`);
    const first = server.requestsTo('/api/embed').length;
    const together = await embedder.embed(texts);
    const requests = server.requestsTo('/api/embed').slice(first);
    assert.deepEqual(
      requests.map((request) => (request.body as { input: string[] }).input.length),
      [4, 4, 2],
    );
    for (const request of requests) {
      assert.equal((request.body as { truncate?: unknown }).truncate, true);
      assert.equal((request.body as { keep_alive?: unknown }).keep_alive, '10m');
      assert.equal((request.body as { model?: unknown }).model, model);
    }
    const alone = await Promise.all(texts.map(async (text) => (await embedder.embed([text]))[0]));
    assert.deepEqual(together, alone);
  });

  it('leaves keep_alive to the server when it is not set, and sends nothing for no texts', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    const first = server.requestsTo('/api/embed').length;
    assert.deepEqual(await embedder.embed([]), []);
    assert.equal(server.requestsTo('/api/embed').length, first);
    await embedder.embed(['hello']);
    assert.equal('keep_alive' in (server.requestsTo('/api/embed').at(-1)?.body as object), false);
  });

  it('caps each input to the model context, and to a lower num_ctx', async () => {
    const long = 'token '.repeat(1000);
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    await embedder.embed([long, 'short text']);
    const [capped, short] = embedInputs(server).at(-1) ?? [];
    assert.equal(capped, long.slice(0, 300));
    assert.equal(short, 'short text');

    const small = await createOllamaEmbedder({ host: server.host, model: 'small-ctx' });
    await small.embed([long]);
    assert.equal(embedInputs(server).at(-1)?.[0]?.length, 150);
  });

  it('never cuts a surrogate pair in half', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    await embedder.embed([`${'a'.repeat(299)}😀${'b'.repeat(50)}`]);
    assert.equal(embedInputs(server).at(-1)?.[0], 'a'.repeat(299));
  });

  it('returns unit vectors that are deterministic and closer for similar texts', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    const [parse, parseAgain, parseLike, unrelated] = await embedder.embed([
      'parse the configuration file and return settings',
      'parse the configuration file and return settings',
      'parse the settings file',
      'render a button with a red border',
    ]);
    assert.ok(parse && parseAgain && parseLike && unrelated);
    for (const vector of [parse, parseLike, unrelated]) assert.ok(Math.abs(norm(vector) - 1) < 1e-5, `norm ${norm(vector)}`);
    assert.deepEqual(parse, parseAgain);
    assert.ok(dot(parse, parseLike) > dot(parse, unrelated) + 0.2);
  });

  it('reports an unreachable server as model-unavailable, saying how to start Ollama', async () => {
    const host = `http://127.0.0.1:${await closedPort()}`;
    await assert.rejects(
      createOllamaEmbedder({ host, model }),
      isModelUnavailable(new RegExp(`^Ollama is not reachable at ${host}: .*ECONNREFUSED.*\\. Start it with \`ollama serve\` or set OLLAMA_HOST\\.$`)),
    );
  });

  it('reports a model that is not pulled, naming ollama pull', async () => {
    await assert.rejects(
      createOllamaEmbedder({ host: server.host, model: 'not-pulled' }),
      isModelUnavailable(/^Model not-pulled is not available in Ollama at http:\/\/127\.0\.0\.1:\d+; run `ollama pull not-pulled`\.$/),
    );
  });

  it('refuses a model that cannot embed', async () => {
    await assert.rejects(createOllamaEmbedder({ host: server.host, model: 'chat-only' }), isModelUnavailable(/cannot embed/));
  });

  it('turns a server error during embedding into model-unavailable with the status', async () => {
    const embedder = await createOllamaEmbedder({ host: server.host, model });
    server.setFailure('/api/embed', { status: 500, error: 'llama runner process has terminated', times: 1 });
    await assert.rejects(embedder.embed(['x']), isModelUnavailable(/HTTP 500\): llama runner process has terminated/));
    assert.equal((await embedder.embed(['x'])).length, 1);
  });

  it('rejects bad options with invalid-argument', async () => {
    for (const options of [{ host: server.host, model, batchSize: 0 }, { host: server.host, model: ' ' }, { host: 'http://[bad', model }]) {
      await assert.rejects(createOllamaEmbedder(options), (error) => error instanceof MinionsError && error.code === 'invalid-argument');
    }
  });

  describe('cancellation', () => {
    let embedder: Embedder;
    /** The signal of every fetch the embedder made: the client passes none for non-streaming calls, the embedder must. */
    const fetchSignals: (AbortSignal | null | undefined)[] = [];
    before(async () => {
      const recordingFetch: typeof fetch = (input, init) => {
        fetchSignals.push(init?.signal);
        return fetch(input, init);
      };
      embedder = await createOllamaEmbedder({ host: server.host, model, fetch: recordingFetch });
    });

    it('rejects promptly with an AbortError when aborted mid-request', async () => {
      server.setDelay('/api/embed', Infinity);
      try {
        const controller = new AbortController();
        const count = server.requestsTo('/api/embed').length;
        const pending = embedder.embed(['slow text'], { signal: controller.signal });
        await server.waitForRequest('/api/embed', count + 1);
        const abortedAt = performance.now();
        controller.abort();
        await assert.rejects(pending, (error) => isAbortError(error));
        assert.ok(performance.now() - abortedAt < 500, 'the rejection waited for the server');
        assert.equal(fetchSignals.at(-1)?.aborted, true, 'the request itself was not aborted');
      } finally {
        server.setDelay('/api/embed', undefined);
      }
      assert.equal((await embedder.embed(['after abort'])).length, 1);
    });

    it('rejects at once for an already aborted signal, without a request', async () => {
      const count = server.requestsTo('/api/embed').length;
      await assert.rejects(embedder.embed(['x'], { signal: AbortSignal.abort() }), (error) => isAbortError(error));
      assert.equal(server.requestsTo('/api/embed').length, count);
    });

    it('aborts the model lookup at creation', async () => {
      server.setDelay('/api/show', Infinity);
      try {
        const controller = new AbortController();
        const count = server.requestsTo('/api/show').length;
        const pending = createOllamaEmbedder({ host: server.host, model, signal: controller.signal });
        await server.waitForRequest('/api/show', count + 1);
        controller.abort();
        await assert.rejects(pending, (error) => isAbortError(error));
      } finally {
        server.setDelay('/api/show', undefined);
      }
    });

    it('close() ends calls in flight and refuses later ones', async () => {
      const closing = await createOllamaEmbedder({ host: server.host, model });
      server.setDelay('/api/embed', Infinity);
      try {
        const count = server.requestsTo('/api/embed').length;
        const pending = closing.embed(['x']);
        await server.waitForRequest('/api/embed', count + 1);
        await closing.close();
        await assert.rejects(pending, isModelUnavailable(/closed/));
      } finally {
        server.setDelay('/api/embed', undefined);
      }
      await assert.rejects(closing.embed(['x']), isModelUnavailable(/closed/));
    });
  });
});
