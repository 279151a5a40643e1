import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InjectOptions } from 'fastify';
import type { ErrorEnvelope } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { ServerFixture, sampleFiles } from './server-fixture.js';

/** Every malformed input is a 4xx with the one envelope; internals never leak. */
describe('the error envelope', () => {
  let fixture: ServerFixture;
  let app: App;
  let root = '';
  let broken = false;
  let aborting = false;
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build({
      index: await fixture.openIndex(async () => {
        if (broken) throw new Error('embedder crashed at /secret/internal/path.js:12');
        if (aborting) throw new DOMException('This operation was aborted', 'AbortError');
        return fixture.embedder;
      }),
      limits: { bodyLimit: 4096 },
    });
    root = await fixture.repo('repo', sampleFiles);
    await fixture.register(app, root);
  });
  after(() => fixture.dispose());

  async function expectError(request: InjectOptions, status: number, code: string, message?: RegExp): Promise<ErrorEnvelope> {
    const response = await app.inject(request);
    assert.equal(response.statusCode, status, response.body);
    assert.match(String(response.headers['content-type']), /^application\/json/);
    const body = response.json<ErrorEnvelope>();
    assert.deepEqual(Object.keys(body), ['error']);
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
    if (message) assert.match(body.error.message, message);
    return body;
  }

  const query = (payload: unknown): InjectOptions => ({ method: 'POST', url: '/v1/query', payload: payload as string });

  it('rejects invalid JSON, an empty JSON body and a non-JSON content type', async () => {
    await expectError({ method: 'POST', url: '/v1/query', payload: '{"repo": ', headers: { 'content-type': 'application/json' } }, 400, 'invalid-argument', /not valid JSON/);
    await expectError({ method: 'POST', url: '/v1/query', headers: { 'content-type': 'application/json' } }, 400, 'invalid-argument');
    await expectError({ method: 'POST', url: '/v1/query', payload: 'repo=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'unsupported-media-type');
    await expectError({ method: 'POST', url: '/v1/query', payload: '{}', headers: { 'content-type': 'text/plain' } }, 415, 'unsupported-media-type', /must be JSON/);
  });

  it('rejects unknown fields, in the body, nested objects and the query string', async () => {
    const body = await expectError(query({ repo: root, query: 'rain', modes: 'text' }), 400, 'invalid-argument', /"modes" is not a known field/);
    assert.deepEqual(body.error.details, { in: 'body', errors: [{ path: '', message: 'must NOT have additional properties', field: 'modes' }] });
    await expectError(query({ repo: root, query: 'rain', filters: { language: ['go'] } }), 400, 'invalid-argument', /"language"/);
    await expectError({ method: 'POST', url: '/v1/repositories', payload: { path: root, watch: true } }, 400, 'invalid-argument', /"watch"/);
    await expectError({ url: '/v1/tasks?state=queued' }, 400, 'invalid-argument', /"state"/);
  });

  it('rejects wrong types and values without coercing them', async () => {
    await expectError(query({ repo: root, query: 'rain', k: '5' }), 400, 'invalid-argument', /k must be integer/);
    await expectError(query({ repo: root, query: 'rain', k: 0 }), 400, 'invalid-argument');
    await expectError(query({ repo: root, query: 'rain', mode: 'fuzzy' }), 400, 'invalid-argument');
    await expectError(query({ repo: 42, query: 'rain' }), 400, 'invalid-argument');
    await expectError(query({ repo: root }), 400, 'invalid-argument', /must have required property 'query'/);
    await expectError(query([1, 2]), 400, 'invalid-argument');
    await expectError({ url: '/v1/tasks?status=sleeping' }, 400, 'invalid-argument');
    await expectError({ url: '/v1/tasks/..%2Fsecret' }, 400, 'invalid-argument');
  });

  it('answers 413 for an oversize body', async () => {
    await expectError(query({ repo: root, query: 'x'.repeat(5000) }), 413, 'payload-too-large');
  });

  it('answers 404 for unknown routes, methods, repositories and tasks', async () => {
    await expectError({ url: '/v2/query' }, 404, 'not-found', /No route GET \/v2\/query/);
    await expectError({ method: 'PUT', url: '/v1/query' }, 404, 'not-found');
    await expectError({ url: '/v1/repositories/0123456789abcdef' }, 404, 'not-found');
    await expectError({ url: '/v1/tasks/3b241101-e2bb-4255-8caf-4136c566a962' }, 404, 'not-found');
    await expectError({ url: '/v1/tasks/%E0%A4%A' }, 400, 'invalid-argument', /not a valid url/);
  });

  it('refuses repository paths outside the registered roots, relative paths and files', async () => {
    await expectError(query({ repo: '/etc', query: 'passwd', mode: 'text' }), 404, 'not-found', /not a registered repository/);
    await expectError(query({ repo: `${root}/../../../../etc`, query: 'passwd', mode: 'text' }), 404, 'not-found');
    await expectError(query({ repo: 'repo', query: 'rain', mode: 'text' }), 400, 'invalid-argument', /absolute path/);
    await expectError(query({ repo: `${root}/src/math.js`, query: 'rain', mode: 'text' }), 400, 'invalid-argument', /is inside the registered repository/);
    await expectError({ method: 'POST', url: '/v1/repositories', payload: { path: 'relative/path' } }, 400, 'invalid-argument', /absolute/);
    await expectError({ method: 'POST', url: '/v1/repositories', payload: { path: `${root}/missing` } }, 404, 'not-found');
    await expectError({ method: 'POST', url: '/v1/repositories', payload: { path: `${root}/src/math.js` } }, 400, 'invalid-argument', /not a folder/);
  });

  it('answers 503 agent-unavailable for tasks when no agent is wired', async () => {
    await expectError({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'add a test' } }, 503, 'agent-unavailable');
  });

  it('hides internal errors behind a generic 500', async () => {
    broken = true;
    try {
      const body = await expectError(query({ repo: root, query: 'rain', mode: 'vector' }), 500, 'internal', /^Internal server error\.$/);
      assert.doesNotMatch(JSON.stringify(body), /secret|embedder crashed|at /);
    } finally {
      broken = false;
    }
  });

  it('answers a cancelled request with 499 cancelled, not as an internal error', async () => {
    aborting = true;
    try {
      await expectError(query({ repo: root, query: 'rain', mode: 'hybrid' }), 499, 'cancelled');
    } finally {
      aborting = false;
    }
  });
});
