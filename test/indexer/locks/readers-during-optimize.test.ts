import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lazyEmbedder, openIndex, type CodeIndex } from '../../../indexer/index.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

const files: Record<string, string> = {};
for (let file = 0; file < 12; file++) files[`lib/module${file}.js`] = `function refundCharge${file} (charge) {\n  return charge.amount * ${file}\n}\nmodule.exports = { refundCharge${file} }\n`;

describe('queries while a writer indexes and optimizes', () => {
  let folder = '';
  let root = '';
  let writer: CodeIndex;
  let reader: CodeIndex;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-readers-'));
    root = await writeTree(join(folder, 'repo'), files);
    const dataDir = join(folder, 'data');
    // Two code indexes on one data directory: the writer's and the reader's tables are separate objects, as in two processes.
    writer = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    reader = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  });
  after(async () => {
    await writer.close();
    await reader.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('never answers a false index-corrupt while old versions are cleaned up', async () => {
    const writing = await writer.repository(root);
    for await (const _event of writing.index()) void _event;
    const reading = await reader.repository(root);
    let done = false;
    const failures: string[] = [];
    let answers = 0;
    const readers = [0, 1, 2].map(async () => {
      while (!done) {
        try {
          const { results } = await reading.query({ query: 'refund charge amount', mode: 'hybrid', k: 5 });
          assert.ok(results.length > 0);
          answers++;
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    });
    try {
      // Each pass changes every file: new fragments, then optimize compacts them and cleans up old versions.
      for (let pass = 0; pass < 4; pass++) {
        for (const path of Object.keys(files)) await writeFile(join(root, path), `${files[path]}// pass ${pass}\n`);
        for await (const _event of writing.index()) void _event;
      }
    } finally {
      done = true;
      await Promise.all(readers);
    }
    assert.deepEqual(failures, []);
    assert.ok(answers > 0);
  });
});
