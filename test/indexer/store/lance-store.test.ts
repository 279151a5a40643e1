import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveRepository } from '../../../indexer/index.js';
import { tableNames } from '../../../indexer/store/lance-store.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { IndexFixture } from '../index-helpers.js';

test('tables a killed process left half-created (no committed version) are created again, with no rebuild', async (t) => {
  const fixture = await IndexFixture.create();
  t.after(() => fixture.dispose());
  const embedder = new RecordingEmbedder();
  const root = await fixture.repo('repo', { 'a.js': 'function alpha() {\n  return 1;\n}\n' });
  const { repositoryId } = await resolveRepository(root);
  // What kill -9 during createEmptyTable leaves: the table's folder, and no _versions in it.
  for (const name of [tableNames.chunks(repositoryId), tableNames.vectors(embedder.modelId)]) await mkdir(join(fixture.lanceFolder, `${name}.lance`, 'data'), { recursive: true });
  const { summary, events } = await fixture.index(root, embedder);
  assert.equal(summary.chunks, 1);
  assert.equal(events.filter((event) => event.type === 'index-rebuild').length, 0);
  assert.equal((await fixture.query({ repo: root, query: 'alpha', mode: 'text', k: 1 }))[0]?.symbol, 'alpha');
});
