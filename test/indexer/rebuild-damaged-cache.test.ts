import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lazyEmbedder, openIndex, type CodeIndex } from '../../indexer/index.js';
import type { IndexSummary } from '../../schemas/index.js';
import { writeTree } from '../support/file-tree.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

const files = {
  'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\nmodule.exports = { refundCharge }\n',
  'lib/invoice.py': 'def render_invoice(invoice):\n    return invoice.total\n',
};

describe('--rebuild with a damaged shared vector cache', () => {
  let fixture: IndexFixture;
  let index: CodeIndex;
  before(async () => {
    fixture = await IndexFixture.create();
    index = await openIndex({ dataDir: join(fixture.folder, 'data'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  });
  after(async () => {
    await index.close();
    await fixture.dispose();
  });

  it('moves the damaged cache aside and rebuilds, never leaving an empty index', async () => {
    const root = await writeTree(join(fixture.folder, 'repo'), files);
    const handle = await index.repository(root);
    for await (const _event of handle.index()) void _event;
    // Every data file of the cache overwritten: the table opens, its rows cannot be read.
    const data = join(fixture.lanceFolder, 'vectors_test_bag_of_words.lance', 'data');
    for (const name of await readdir(data)) await writeFile(join(data, name), 'not a lance file');

    const run = handle.index({ rebuild: true });
    let summary: IndexSummary | undefined;
    for (let next = await run.next(); ; next = await run.next()) {
      if (next.done) {
        summary = next.value;
        break;
      }
    }
    assert.match(summary.rebuilt ?? '', /a rebuild was requested; the damaged vector cache was moved to .*vectors_test_bag_of_words\.lance\.damaged-/);
    assert.equal(summary.files, 2);
    const { results } = await handle.query({ query: 'refund charge', mode: 'hybrid' });
    assert.equal(results[0]?.symbol, 'refundCharge');
    assert.ok((await readdir(fixture.lanceFolder)).some((name) => name.startsWith('vectors_test_bag_of_words.lance.damaged-')));
  });
});
