import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ServerFixture } from './server-fixture.js';

describe('registering the data directory', () => {
  let fixture: ServerFixture;
  before(async () => {
    fixture = await ServerFixture.create();
  });
  after(() => fixture.dispose());

  it('refuses the data directory, a folder inside it and a repository that contains it, as invalid-argument', async () => {
    const app = await fixture.build();
    const cases = [
      { path: fixture.dataDir, message: /data directory \(or inside it\), not a repository/ },
      { path: join(fixture.dataDir, 'lancedb'), message: /data directory \(or inside it\), not a repository/ },
      { path: fixture.folder, message: /contains minions' data directory .*--data-dir/ },
    ];
    for (const { path, message } of cases) {
      const response = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path } });
      assert.equal(response.statusCode, 400, path);
      const body = (response.json() as { error: { code: string; message: string } }).error;
      assert.equal(body.code, 'invalid-argument');
      assert.match(body.message, message);
    }
    assert.deepEqual((await app.inject({ method: 'GET', url: '/v1/repositories' })).json(), { repositories: [] });
  });
});
