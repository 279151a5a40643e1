import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRepository } from '../../../indexer/index.js';
import { readManifest, sweepOrphans } from '../../../indexer/store/file-writes.js';
import { tableNames } from '../../../indexer/store/lance-store.js';
import { DEFAULT_STORE_CACHE, setStoreCache, storeCacheUse } from '../../../indexer/store/session.js';
import { toSymbolRows } from '../../../indexer/store/symbol-rows.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { IndexFixture } from '../index-helpers.js';

test('tables a killed process left half-created (no committed version) are created again, with no rebuild', async (t) => {
  const fixture = await IndexFixture.create();
  t.after(() => fixture.dispose());
  const embedder = new RecordingEmbedder();
  const root = await fixture.repo('repo', { 'a.js': 'function alpha() {\n  return 1;\n}\n' });
  const { repositoryId } = await resolveRepository(root);
  // What kill -9 during createEmptyTable leaves: the table's folder, and no _versions in it.
  for (const name of [tableNames.chunks(repositoryId), tableNames.symbols(repositoryId), tableNames.vectors(embedder.modelId)]) await mkdir(join(fixture.lanceFolder, `${name}.lance`, 'data'), { recursive: true });
  const { summary, events } = await fixture.index(root, embedder);
  assert.equal(summary.chunks, 1);
  assert.equal(events.filter((event) => event.type === 'index-rebuild').length, 0);
  assert.equal((await fixture.query({ repo: root, query: 'alpha', mode: 'text', k: 1 }))[0]?.symbol, 'alpha');
});

test('symbol rows of a path the manifest does not know (a write killed before its manifest rows) are swept', async (t) => {
  const fixture = await IndexFixture.create();
  t.after(() => fixture.dispose());
  const embedder = new RecordingEmbedder();
  const root = await fixture.repo('repo', { 'a.js': 'function alpha() {\n  return beta();\n}\n' });
  await fixture.index(root, embedder);
  const tables = await fixture.store.repository((await resolveRepository(root)).repositoryId, embedder.dimension, false);
  assert.deepEqual((await tables.symbols.listIndices()).map((index) => index.name), ['name_idx'], 'a run ends with the name index of the symbol table');
  const ghost = toSymbolRows('ghost.js', 'javascript', { definitions: [{ name: 'ghost', kind: 'function', startLine: 1, endLine: 1, signature: 'function ghost()' }], references: [], imports: [] });
  await tables.symbols.add(ghost as unknown as Record<string, unknown>[]);
  assert.equal(await sweepOrphans(tables, await readManifest(tables.files)), 1);
  const rows = (await tables.symbols.query().select(['path', 'role', 'name']).toArray()) as { path: string; role: string; name: string }[];
  assert.deepEqual(rows.map((row) => `${row.path} ${row.role} ${row.name}`).sort(), ['a.js definition alpha', 'a.js reference beta']);
});

test("every store of the process shares one LanceDB session whose caches stay within the set sizes", async (t) => {
  // A cap of 256 KiB + 128 KiB: far below what these tables' metadata and full-text index would take uncapped.
  setStoreCache({ indexMb: 0.25, metadataMb: 0.125 });
  const fixture = await IndexFixture.create();
  t.after(async () => {
    await fixture.dispose();
    setStoreCache(DEFAULT_STORE_CACHE);
  });
  const files: Record<string, string> = {};
  for (let i = 0; i < 80; i++) files[`src/module${i}.js`] = `export function handler${i}(request) {\n  return request.body.items.map((item) => item.value * ${i});\n}\n`;
  const root = await fixture.repo('repo', files);
  await fixture.index(root, new RecordingEmbedder());
  for (const word of ['handler7', 'request', 'items value']) assert.ok((await fixture.query({ repo: root, query: word, mode: 'text', k: 5 })).length > 0, word);
  const held = storeCacheUse();
  // Entries are cached (the tables use this session, not one with LanceDB's 6 GB + 1 GB defaults), within the caps.
  assert.ok(held.items > 0, 'the session holds nothing: the tables do not use it');
  assert.ok(held.bytes <= (0.25 + 0.125) * 1024 * 1024, `the session holds ${held.bytes} bytes`);
});
