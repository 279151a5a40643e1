import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../../server/http/context.js';
import { ServerFixture, sampleFiles } from './server-fixture.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { summary?: string; responses: Record<string, unknown>; requestBody?: unknown }>>;
}

describe('health, metrics and the OpenAPI document', () => {
  let fixture: ServerFixture;
  let app: App;
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
    await fixture.register(app, await fixture.repo('repo', sampleFiles));
  });
  after(() => fixture.dispose());

  it('answers /healthz', async () => {
    const response = await app.inject({ url: '/healthz' });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok' });
  });

  it('documents every route, with its responses', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
    assert.match(document.openapi, /^3\./);
    const routes = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    assert.deepEqual(routes.sort(), [
      'DELETE /v1/repositories/{id}',
      'GET /healthz',
      'GET /metrics',
      'GET /v1/repositories',
      'GET /v1/repositories/{id}',
      'GET /v1/repositories/{id}/symbols',
      'GET /v1/stats',
      'GET /v1/tasks',
      'GET /v1/tasks/{id}',
      'GET /v1/tasks/{id}/events',
      'GET /v1/tasks/{id}/result',
      'POST /mcp',
      'POST /v1/context',
      'POST /v1/hooks/ci',
      'POST /v1/query',
      'POST /v1/repositories',
      'POST /v1/repositories/{id}/map',
      'POST /v1/tasks',
      'POST /v1/tasks/{id}/cancel',
      'POST /v1/tasks/{id}/follow-ups',
    ]);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(operation.summary, `${method} ${path} has a summary`);
        assert.ok(Object.keys(operation.responses).some((status) => status.startsWith('2')), `${method} ${path} documents its success`);
      }
    }
    const query = document.paths['/v1/query']?.post;
    assert.ok(query?.requestBody, 'the query body is documented');
    assert.ok(query?.responses['400'] && query.responses['413'] && query.responses['415']);
    assert.ok(document.paths['/v1/tasks']?.post?.responses['429']);
  });

  it('documents the task event stream with the TaskEvent union', async () => {
    const document = (await app.inject({ url: '/docs/json' })).json<OpenApiDocument>();
    const stream = document.paths['/v1/tasks/{id}/events']?.get?.responses['200'];
    assert.ok(typeof stream === 'object' && stream !== null && 'content' in stream);
    const schema = JSON.stringify(stream.content);
    assert.match(schema, /^\{"text\/event-stream":\{"schema":\{/);
    for (const type of ['task-queue', 'task-start', 'task-cancel', 'task-end', 'run-start', 'node-end', 'model-call', 'tool-call', 'command-start', 'command-end', 'run-end']) {
      assert.ok(schema.includes(`"const":"${type}"`) || schema.includes(`"enum":["${type}"]`), `the ${type} event is documented`);
    }
    assert.match(schema, /"seq":\{"minimum":1/);
  });

  it('serves the Swagger UI and its assets from the package', async () => {
    const page = await app.inject({ url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui/i);
    const bundle = await app.inject({ url: '/docs/static/swagger-ui-bundle.js' });
    assert.equal(bundle.statusCode, 200);
    assert.ok(bundle.body.length > 100_000);
  });

  it('exposes Prometheus metrics: latency by route and status, index sizes, tasks, tokens', async () => {
    await app.inject({ url: '/v1/repositories' });
    await app.inject({ url: '/v1/nowhere' });
    const response = await app.inject({ url: '/metrics' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const text = response.body;
    for (const name of ['minions_http_request_duration_seconds', 'minions_repository_files', 'minions_repository_chunks', 'minions_tasks', 'minions_model_tokens_total']) {
      assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'));
    }
    assert.match(text, /^minions_http_request_duration_seconds_count\{method="GET",route="\/v1\/repositories",status="200"\} 1$/m);
    assert.match(text, /^minions_http_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1$/m, 'unknown URLs share one label');
    assert.match(text, /^minions_repository_files\{repository="[0-9a-f]{16}",root="[^"]+"\} 2$/m);
    assert.match(text, /^minions_tasks\{status="queued"\} 0$/m);
  });
});
