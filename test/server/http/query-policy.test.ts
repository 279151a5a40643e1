import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope, QueryResponse, QueryResult, Repository } from '../../../schemas/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { createIndexSearch } from '../../../server/agent-wiring.js';
import type { App } from '../../../server/http/context.js';
import { ServerFixture, sampleFiles } from './server-fixture.js';

/** The agent's code search, as a promise of its results or of its error. */
async function agentSearch(fixture: ServerFixture, repo: string, query: string): Promise<QueryResult[]> {
  return createIndexSearch(fixture.index).search(query, 10, { repo });
}

/** One query policy: `POST /v1/query` and the agent's search answer and fail alike on the same index. */
describe('the query policy, over HTTP and in the agent', () => {
  let fixture: ServerFixture;
  let app: App;
  let root = '';
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
    root = await fixture.repo('repo', sampleFiles);
    await fixture.register(app, root);
  });
  after(() => fixture.dispose());

  it('gives the same answer, in the best available mode, to a query without a mode', async () => {
    for (const query of ['forecast rain in a city', 'add numbers']) {
      const response = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query } });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<QueryResponse>();
      assert.equal(body.mode, 'hybrid', 'the index was built with the configured embedder');
      assert.ok(body.results.length > 0);
      assert.deepEqual(await agentSearch(fixture, root, query), body.results);
    }
  });

  it('gives the same index-corrupt error, naming --rebuild', async () => {
    const id = (await app.inject({ url: '/v1/repositories' })).json<{ repositories: Repository[] }>().repositories[0]?.id ?? '';
    const table = join(fixture.dataDir, 'lancedb', `chunks_${id}.lance`);
    for (const entry of await readdir(join(table, 'data'))) await writeFile(join(table, 'data', entry), 'garbage');
    const response = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'forecast rain' } });
    assert.equal(response.statusCode, 503, response.body);
    const { error } = response.json<ErrorEnvelope>();
    assert.equal(error.code, 'index-corrupt');
    assert.match(error.message, /minions index .* --rebuild/);
    await assert.rejects(agentSearch(fixture, root, 'forecast rain'), (thrown: unknown) => thrown instanceof MinionsError && thrown.code === error.code && thrown.message === error.message);
  });
});
