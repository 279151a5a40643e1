import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { answerQuery, type QuerySource } from '../../../indexer/code-index/query-policy.js';
import { LanceStore, indexRepository } from '../../../indexer/index.js';
import type { RepositoryTables } from '../../../indexer/store/lance-store.js';
import { readMeta } from '../../../indexer/repository-meta.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { IndexFixture } from '../index-helpers.js';

const files: Record<string, string> = {};
for (let file = 0; file < 8; file++) files[`lib/module${file}.js`] = `function refundCharge${file} (charge) {\n  return charge.amount * ${file}\n}\n`;

describe('a query whose tables are at a version a writer cleaned up', () => {
  let fixture: IndexFixture;
  before(async () => {
    fixture = await IndexFixture.create();
  });
  after(() => fixture.dispose());

  it('reads again at the latest version instead of answering a false index-corrupt', async () => {
    const root = await fixture.repo('repo', files);
    const embedder = new RecordingEmbedder();
    const { summary } = await fixture.index(root, embedder);
    // A connection without read consistency: tables opened now stay at this version, as a read in flight does.
    const reader = await LanceStore.open(fixture.lanceFolder);
    try {
      // One set of old tables per query below, opened before the writer's passes.
      const stale = [await reader.repository(summary.repositoryId, embedder.dimension, false), await reader.repository(summary.repositoryId, embedder.dimension, false)];
      const held: RepositoryTables[] = [];
      const opened: string[] = [];
      const source: QuerySource = {
        root: summary.root,
        meta: async () => readMeta(fixture.metaFolder, summary.repositoryId),
        tables: async (meta) => {
          opened.push(held.length > 0 ? 'held' : 'fresh');
          return held[0] ?? reader.repository(summary.repositoryId, meta.dimension, false);
        },
        reopen: () => void held.pop(),
        embedder: async () => embedder,
      };
      // Three passes, each optimizing and cleaning up old versions: the held version's files are gone.
      for (let pass = 0; pass < 3; pass++) {
        for (const path of Object.keys(files)) await writeFile(join(root, path), `${files[path]}// pass ${pass}\n`);
        for await (const _event of indexRepository(root, { store: fixture.store, embedder, metaFolder: fixture.metaFolder })) void _event;
      }
      for (const mode of ['text', 'hybrid'] as const) {
        held.splice(0, held.length, stale.pop() as RepositoryTables);
        const { results } = await answerQuery(source, { query: 'refund charge amount', mode, k: 5 });
        assert.ok(results.length > 0, mode);
      }
      assert.ok(opened.includes('held') && opened.includes('fresh'), opened.join(' '));
    } finally {
      reader.close();
    }
  });
});
