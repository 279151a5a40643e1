// `minions query` checks its request with the schema `POST /v1/query` validates with,
// and both word a bad field the same way.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope } from '../../schemas/index.js';
import type { App } from '../../server/http/context.js';
import { runCli } from './cli-run.js';
import { ServerFixture } from './http/server-fixture.js';

describe('query validation, CLI and HTTP', () => {
  let fixture: ServerFixture;
  let app: App;
  let repo = '';
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
    repo = await fixture.repo('repo', { 'a.js': 'const a = 1;\n' });
  });
  after(() => fixture.dispose());

  async function both(argv: string[], body: Record<string, unknown>): Promise<{ cli: string; http: string }> {
    const cli = await runCli(['query', repo, ...argv], fixture.folder, { MINIONS_DATA_DIR: fixture.dataDir });
    assert.equal(cli.code, 2, cli.stderr);
    const response = await app.inject({ method: 'POST', url: '/v1/query', payload: { repo, ...body } });
    assert.equal(response.statusCode, 400, response.body);
    const { error } = response.json<ErrorEnvelope>();
    assert.equal(error.code, 'invalid-argument');
    return { cli: cli.stderr, http: `minions: ${error.message}\n` };
  }

  it('an unknown language fails alike, naming the languages there are', async () => {
    const { cli, http } = await both(['rain', '--language', 'cobol'], { query: 'rain', filters: { languages: ['cobol'] } });
    assert.equal(cli, http);
    assert.equal(cli, 'minions: Invalid request: filters.languages[0] must be one of typescript, tsx, javascript, python, go, rust, java, c, cpp, csharp, ruby, php, text.\n');
  });

  it('an empty query fails alike', async () => {
    const { cli, http } = await both([''], { query: '' });
    assert.equal(cli, http);
    assert.equal(cli, 'minions: Invalid request: query must NOT have fewer than 1 characters.\n');
  });

  it('--k 0 and "k": 0 fail alike, as do --k 201 and a mode that does not exist', async () => {
    const zero = await both(['rain', '--k', '0'], { query: 'rain', k: 0 });
    assert.equal(zero.cli, zero.http);
    assert.equal(zero.cli, 'minions: Invalid request: k must be >= 1.\n');
    const large = await both(['rain', '--k', '201'], { query: 'rain', k: 201 });
    assert.equal(large.cli, large.http);
    assert.equal(large.cli, 'minions: Invalid request: k must be <= 200.\n');
    const mode = await both(['rain', '--mode', 'fuzzy'], { query: 'rain', mode: 'fuzzy' });
    assert.equal(mode.cli, mode.http);
    assert.equal(mode.cli, 'minions: Invalid request: mode must be one of hybrid, vector, text.\n');
    const group = await both(['rain', '--group', 'folder'], { query: 'rain', group: 'folder' });
    assert.equal(group.cli, group.http);
    assert.equal(group.cli, 'minions: Invalid request: group must be one of chunk, file.\n');
  });

  it('a --k that is not a number fails as a JSON k that is not an integer does', async () => {
    const { cli, http } = await both(['rain', '--k', 'ten'], { query: 'rain', k: 2.5 });
    assert.equal(cli, http);
    assert.equal(cli, 'minions: Invalid request: k must be integer.\n');
  });
});
