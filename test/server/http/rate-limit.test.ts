// The per-client token bucket: a burst passes, the next request is 429 with
// Retry-After, /healthz is never limited, and another client has its own bucket.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ServerFixture } from './server-fixture.js';

describe('rate limit', () => {
  let fixture: ServerFixture;
  after(() => fixture.dispose());

  it('lets a burst through, then answers 429 with Retry-After; /healthz and other clients are unaffected', async () => {
    fixture = await ServerFixture.create();
    const app = await fixture.build({ limits: { concurrency: 1, ratePerSecond: 1, rateBurst: 5 } });
    for (let index = 0; index < 5; index += 1) assert.equal((await app.inject({ url: '/v1/repositories' })).statusCode, 200);
    const limited = await app.inject({ url: '/v1/repositories' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.headers['retry-after'], '1');
    assert.equal(limited.json<{ error: { code: string } }>().error.code, 'rate-limited');
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/v1/repositories', remoteAddress: '127.0.0.2' })).statusCode, 200);
  });

  it('the serve settings read --rate-limit and MINIONS_RATE_LIMIT (0 turns it off)', async () => {
    const { loadServeSettings } = await import('../../../server/cli/serve-command.js');
    assert.deepEqual([loadServeSettings({}, {}).ratePerSecond, loadServeSettings({}, {}).rateBurst], [100, 200]);
    assert.equal(loadServeSettings({ MINIONS_RATE_LIMIT: '0' }, {}).ratePerSecond, 0);
    assert.equal(loadServeSettings({ MINIONS_RATE_LIMIT: '0' }, { 'rate-limit': '7' }).ratePerSecond, 7);
    assert.throws(() => loadServeSettings({ MINIONS_RATE_LIMIT: '-1' }, {}), /rate limit/);
  });
});
