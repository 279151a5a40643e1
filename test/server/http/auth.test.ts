import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope } from '../../../schemas/index.js';
import { checkBindAddress, isLoopback, sameSecret } from '../../../server/http/auth.js';
import type { App } from '../../../server/http/context.js';
import { runCli } from '../cli-run.js';
import { ServerFixture } from './server-fixture.js';

describe('bind addresses', () => {
  it('tells loopback addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.equal(isLoopback(host), true, host);
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.org', '::ffff:10.0.0.1', '128.0.0.1']) assert.equal(isLoopback(host), false, host);
  });

  it('refuses to build a server on a non-loopback address without a token', async () => {
    const fixture = await ServerFixture.create();
    try {
      await assert.rejects(fixture.build({ host: '0.0.0.0' }), /Refusing to listen on 0\.0\.0\.0 without a token.*--token or MINIONS_TOKEN/);
      await assert.rejects(fixture.build({ host: '::', token: '' }), /Refusing to listen on ::/);
      const app = await fixture.build({ host: '0.0.0.0', token: 'a-long-secret' });
      assert.equal((await app.inject({ url: '/v1/repositories' })).statusCode, 401);
      assert.doesNotThrow(() => checkBindAddress('127.0.0.1', undefined));
    } finally {
      await fixture.dispose();
    }
  });

  it('makes `minions serve` exit 2 with the reason', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0'], process.cwd(), {});
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^minions: Refusing to listen on 0\.0\.0\.0 without a token/);
  });
});

describe('bearer token', () => {
  let fixture: ServerFixture;
  let app: App;
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build({ token: 's3cret-token' });
  });
  after(() => fixture.dispose());

  it('compares secrets whatever their lengths', () => {
    assert.equal(sameSecret('abc', 'abc'), true);
    assert.equal(sameSecret('abc', 'abd'), false);
    assert.equal(sameSecret('abc', 'abcd'), false);
  });

  it('answers 401 without a token or with a wrong one, on every route but /healthz', async () => {
    for (const url of ['/v1/repositories', '/v1/tasks', '/metrics', '/docs/json', '/docs', '/v1/nothing-here']) {
      const missing = await app.inject({ url });
      assert.equal(missing.statusCode, 401, url);
      assert.equal(missing.headers['www-authenticate'], 'Bearer');
      assert.equal(missing.json<ErrorEnvelope>().error.code, 'unauthorized');
      const wrong = await app.inject({ url, headers: { authorization: 'Bearer s3cret-tokem' } });
      assert.equal(wrong.statusCode, 401, url);
    }
    assert.equal((await app.inject({ url: '/v1/repositories', headers: { authorization: 's3cret-token' } })).statusCode, 401, 'the scheme is required');
    assert.equal((await app.inject({ method: 'POST', url: '/v1/query', payload: { nonsense: true } })).statusCode, 401, 'auth comes before validation');
  });

  it('lets the right token through, and /healthz without one', async () => {
    assert.equal((await app.inject({ url: '/v1/repositories', headers: { authorization: 'Bearer s3cret-token' } })).statusCode, 200);
    assert.equal((await app.inject({ url: '/docs/json', headers: { authorization: 'bearer s3cret-token' } })).statusCode, 200);
    const health = await app.inject({ url: '/healthz' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok' });
  });
});
