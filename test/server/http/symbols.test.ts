import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope, Repository, SymbolsResponse } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { ServerFixture } from './server-fixture.js';

const files = {
  'src/ledger.ts': "import { audit } from './audit';\n\nexport class Ledger {\n  settle(): number {\n    return audit(1) + audit(2);\n  }\n}\n",
  'src/audit.ts': 'export function audit(value: number): number {\n  return value;\n}\n\nexport const twice = (value: number) => audit(audit(value));\n',
};

describe('GET /v1/repositories/:id/symbols', () => {
  let fixture: ServerFixture;
  let app: App;
  let id = '';
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
    id = await fixture.register(app, await fixture.repo('repo', files));
  });
  after(() => fixture.dispose());

  const get = (query: string, repository = id) => app.inject({ url: `/v1/repositories/${repository}/symbols${query}` });

  it("answers a name's definitions and references, in path and line order", async () => {
    const response = await get('?name=audit');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json<SymbolsResponse>(), {
      name: 'audit',
      definitions: [{ path: 'src/audit.ts', language: 'typescript', name: 'audit', kind: 'function', startLine: 1, endLine: 3, signature: 'function audit(value: number): number' }],
      references: [
        { path: 'src/audit.ts', language: 'typescript', name: 'audit', line: 5, text: 'export const twice = (value: number) => audit(audit(value));' },
        { path: 'src/ledger.ts', language: 'typescript', name: 'audit', line: 5, text: 'return audit(1) + audit(2);' },
      ],
    });
  });

  it('matches the last segment of a qualified name, and cuts references at the limit', async () => {
    const settle = (await get('?name=Ledger.settle')).json<SymbolsResponse>();
    assert.deepEqual(settle.definitions.map((definition) => `${definition.kind} ${definition.name} ${definition.startLine}`), ['method settle 4']);
    const limited = await get('?name=audit&limit=1');
    assert.equal(limited.statusCode, 200, limited.body);
    assert.equal(limited.json<SymbolsResponse>().references.length, 1);
    assert.equal(limited.json<SymbolsResponse>().truncated, true);
  });

  it('refuses a missing or empty name, a bad limit and unknown parameters (400), and an unknown repository (404)', async () => {
    for (const query of ['', '?name=', '?name=%20%20', '?name=audit&limit=0', '?name=audit&limit=many', '?name=audit&limit=1001', '?name=audit&kind=function']) {
      const response = await get(query);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
    }
    const unknown = await get('?name=audit', 'ffffffffffffffff');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json<ErrorEnvelope>().error.code, 'not-found');
  });

  it('is 409 while a repository has no index (its indexing failed), like a query', async () => {
    const empty = await fixture.repo('empty', {});
    const created = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: empty } });
    await app.minions.registry.idle();
    const response = await get('?name=audit', created.json<Repository>().id);
    assert.equal(response.statusCode, 409, response.body);
    assert.equal(response.json<ErrorEnvelope>().error.code, 'conflict');
  });

  it('is 503 index-corrupt, naming --rebuild, when the symbol table is damaged', async () => {
    const table = join(fixture.dataDir, 'lancedb', `symbols_${id}.lance`);
    for (const entry of await readdir(join(table, 'data'))) await writeFile(join(table, 'data', entry), 'garbage');
    const response = await get('?name=audit');
    assert.equal(response.statusCode, 503, response.body);
    const { error } = response.json<ErrorEnvelope>();
    assert.equal(error.code, 'index-corrupt');
    assert.match(error.message, /minions index .* --rebuild/);
  });
});
