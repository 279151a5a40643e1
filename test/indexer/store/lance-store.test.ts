import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRepository } from '../../../indexer/index.js';
import { readManifest, sweepOrphans, tableNames } from '../../../indexer/store/lance-store.js';
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
