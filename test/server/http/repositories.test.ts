import assert from 'node:assert/strict';
import { readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { QueryResponse, Repository, RepositoryList } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { GatedEmbedder, ServerFixture, sampleFiles } from './server-fixture.js';

describe('repositories and queries', () => {
  let fixture: ServerFixture;
  let app: App;
  let root = '';
  let id = '';
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
    root = await fixture.repo('repo', sampleFiles);
    id = await fixture.register(app, root);
  });
  after(() => fixture.dispose());

  it('registers a repository, indexes it and reports its status', async () => {
    const response = await app.inject({ url: `/v1/repositories/${id}` });
    assert.equal(response.statusCode, 200);
    const repository = response.json<Repository>();
    assert.equal(repository.status, 'ready');
    assert.equal(repository.files, 2);
    assert.equal(repository.chunks, 3);
    assert.deepEqual(repository.progress, { filesDone: 2, filesTotal: 2, chunks: 3, embedded: 3, cached: 0 });
    assert.equal(repository.watching, false);
    assert.ok(repository.indexedAt);
    const again = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: `${root}/` } });
    assert.equal(again.statusCode, 200, 'registering the same root again is not a new registration');
    assert.equal(again.json<Repository>().id, id);
    const list = (await app.inject({ url: '/v1/repositories' })).json<RepositoryList>();
    assert.deepEqual(list.repositories.map((entry) => entry.id), [id]);
  });

  it('persists registrations atomically in the data directory', async () => {
    const file = JSON.parse(await readFile(join(fixture.dataDir, 'server', 'repositories.json'), 'utf8')) as { version: number; repositories: { id: string; root: string }[] };
    assert.equal(file.version, 1);
    assert.deepEqual(file.repositories.map((entry) => entry.id), [id]);
  });

  it('answers queries with the shape of `minions query --json`, by path or id', async () => {
    const byPath = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'forecast rain', mode: 'text', k: 1 } });
    assert.equal(byPath.statusCode, 200);
    const response = byPath.json<QueryResponse>();
    assert.deepEqual(response.results.map((result) => ({ ...result, score: 0 })), [
      {
        path: 'src/weather.py', startLine: 1, endLine: 3, symbol: 'forecast_rain', kind: 'function', language: 'python', score: 0,
        snippet: 'def forecast_rain(city):\n    """Tells whether it will rain in a city tomorrow."""\n    return city == "London"',
      },
    ]);
    for (const mode of ['hybrid', 'vector'] as const) {
      const byId = (await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: id, query: 'addNumbers', mode } })).json<QueryResponse>();
      assert.equal(byId.results[0]?.symbol, 'addNumbers', mode);
    }
    const filtered = (await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'rain', mode: 'text', filters: { languages: ['javascript'] } } })).json<QueryResponse>();
    assert.ok(filtered.results.every((result) => result.language === 'javascript'));
    const grouped = (await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'forecast rain', mode: 'text', group: 'file', k: 1 } })).json<QueryResponse>();
    assert.deepEqual(grouped.files?.map((file) => ({ ...file, score: 0 })), [{ path: 'src/weather.py', language: 'python', score: 0, matches: 1, symbols: grouped.results }]);
    assert.equal(grouped.results[0]?.symbol, 'forecast_rain');
  });

  it('normalises repository paths and confines them to registered roots', async () => {
    const dotted = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: `${root}/src/..`, query: 'rain', mode: 'text' } });
    assert.equal(dotted.statusCode, 200);
    const link = join(fixture.folder, 'link-to-repo');
    await symlink(root, link);
    const outside = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: link, query: 'rain', mode: 'text' } });
    assert.equal(outside.statusCode, 404, 'a path outside every registered root is refused before it is read');
    const escape = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: `${root}/../../..`, query: 'rain', mode: 'text' } });
    assert.equal(escape.statusCode, 404);
    const inner = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: join(root, 'src'), query: 'rain', mode: 'text' } });
    assert.equal(inner.statusCode, 400);
    assert.match(inner.json<{ error: { message: string } }>().error.message, /is inside the registered repository/);
  });

  it('unregisters a repository, after which it cannot be queried', async () => {
    const other = await fixture.repo('other', { 'a.js': 'function other() {}\n' });
    const otherId = await fixture.register(app, other);
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/repositories/${otherId}` })).statusCode, 204);
    assert.equal((await app.inject({ method: 'DELETE', url: `/v1/repositories/${otherId}` })).statusCode, 404);
    assert.equal((await app.inject({ url: `/v1/repositories/${otherId}` })).statusCode, 404);
    assert.equal((await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: other, query: 'other', mode: 'text' } })).statusCode, 404);
  });

  it('reports an indexing failure in the status', async () => {
    const empty = await fixture.repo('empty', {});
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: empty } });
    assert.equal(response.statusCode, 201);
    await app.minions.registry.idle();
    const repository = (await app.inject({ url: `/v1/repositories/${response.json<Repository>().id}` })).json<Repository>();
    assert.equal(repository.status, 'error');
    assert.match(repository.error ?? '', /has no files to index/);
    const query = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: empty, query: 'x' } });
    assert.equal(query.statusCode, 409);
  });
});

describe('a repository being indexed', () => {
  it('shows status indexing, refuses queries with 409 until the text phase ends, answers by text while it embeds, then becomes ready', async () => {
    const fixture = await ServerFixture.create();
    try {
      const gated = new GatedEmbedder(fixture.embedder);
      let startEmbedder: () => void = () => undefined;
      const embedderStarted = new Promise<void>((resolve) => (startEmbedder = resolve));
      // The run loads its embedder before its text phase: held there, the index has nothing yet.
      const app = await fixture.build({ index: await fixture.openIndex(async () => (await embedderStarted, gated)) });
      const root = await fixture.repo('repo', sampleFiles);
      const created = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: root } });
      assert.equal(created.statusCode, 201);
      assert.equal(created.headers.location, `/v1/repositories/${created.json<Repository>().id}`);
      const before = (await app.inject({ url: created.headers.location })).json<Repository>();
      assert.equal(before.status, 'indexing');
      const query = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'rain' } });
      assert.equal(query.statusCode, 409);
      assert.equal(query.json<{ error: { code: string } }>().error.code, 'conflict');
      startEmbedder();
      // The vector phase is held: every file is searchable by text, nothing is embedded yet.
      await gated.waiting();
      const during = (await app.inject({ url: created.headers.location })).json<Repository>();
      assert.equal(during.status, 'indexing');
      assert.equal(during.progress.filesTotal, 2);
      const text = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'rain', mode: 'text' } });
      assert.equal(text.statusCode, 200);
      const answer = text.json<{ results: unknown[]; embedded: { chunks: number; total: number } }>();
      assert.ok(answer.results.length > 0);
      assert.equal(answer.embedded.chunks, 0);
      assert.ok(answer.embedded.total > 0);
      gated.open();
      await app.minions.registry.idle();
      assert.equal((await app.inject({ url: created.headers.location })).json<Repository>().status, 'ready');
    } finally {
      await fixture.dispose();
    }
  });
});

describe('a watched repository', () => {
  it('is watched after its first pass, and serves changes to its files without a new registration', async () => {
    const fixture = await ServerFixture.create();
    try {
      const app = await fixture.build({ watch: true });
      const root = await fixture.repo('repo', sampleFiles);
      const id = await fixture.register(app, root);
      const ready = (await app.inject({ url: `/v1/repositories/${id}` })).json<Repository>();
      assert.equal(ready.status, 'ready');
      assert.equal(ready.watching, true);
      assert.equal(ready.files, 2);
      const batch = new Promise<void>((resolve) => {
        const unsubscribe = app.minions.registry.subscribe((repository, event) => {
          if (repository !== id || event.type !== 'watch-batch-end') return;
          unsubscribe();
          resolve();
        });
      });
      await writeFile(join(root, 'src', 'tide.js'), 'function highTide(port) {\n  return port.tides[0];\n}\n');
      await batch;
      const after = (await app.inject({ url: `/v1/repositories/${id}` })).json<Repository>();
      assert.equal(after.files, 3);
      const found = (await app.inject({ method: 'POST', url: '/v1/query', payload: { repo: root, query: 'highTide', mode: 'text', k: 1 } })).json<QueryResponse>();
      assert.equal(found.results[0]?.symbol, 'highTide');
      assert.equal((await app.inject({ method: 'DELETE', url: `/v1/repositories/${id}` })).statusCode, 204);
    } finally {
      await fixture.dispose();
    }
  });
});
