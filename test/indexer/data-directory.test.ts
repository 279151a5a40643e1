import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPathFilter } from '../../indexer/files/index.js';
import { lazyEmbedder, openIndex, type CodeIndex } from '../../indexer/index.js';
import { excludedFolderPatterns } from '../../indexer/indexing/excluded-folders.js';
import { MinionsError, type IndexEvent } from '../../schemas/index.js';
import { writeTree } from '../support/file-tree.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';

const files = {
  'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\n',
  '.minions-data/notes.md': '# written by the data directory\n',
};

describe('the data directory', () => {
  let folder = '';
  let root = '';
  let index: CodeIndex;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-data-dir-'));
    root = await writeTree(join(folder, 'repo'), files);
    // The data directory inside the repository, as `--data-dir ./.minions-data` run from it would make it.
    index = await openIndex({ dataDir: join(root, '.minions-data'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  });
  after(async () => {
    await index.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('is never indexed when it lies inside the repository, whatever the ignore files say', async () => {
    const handle = await index.repository(root);
    const events: IndexEvent[] = [];
    // Twice: the second pass runs after the first wrote tables, meta and lock files into the data directory.
    for (let pass = 0; pass < 2; pass++) for await (const event of handle.index()) events.push(event);
    const named = events.flatMap((event) => ('path' in event ? [event.path] : []));
    assert.deepEqual(named.filter((path) => path.startsWith('.minions-data')), []);
    const { results } = await handle.query({ query: 'written by the data directory', mode: 'hybrid', k: 20 });
    assert.deepEqual([...new Set(results.map((result) => result.path))], ['lib/charge.js']);
    assert.deepEqual(await handle.size(), { files: 1, chunks: (await handle.meta())?.chunks });
  });

  it('is not a repository, nor is any folder inside it', async () => {
    for (const path of [join(root, '.minions-data'), join(root, '.minions-data', 'lancedb')]) {
      await assert.rejects(index.repository(path), (error: unknown) => error instanceof MinionsError && error.code === 'invalid-argument' && /data directory/.test(error.message));
    }
  });

  it('is skipped by the watcher\'s path filter, with names gitignore reads as patterns escaped', async () => {
    const patterns = excludedFolderPatterns('/src/app', ['/src/app/data [1]/#x*', '/src/other', '/src/app']);
    assert.deepEqual(patterns, ['/data \\[1\\]/\\#x\\*/']);
    const filter = await createPathFilter(root, { extraIgnore: excludedFolderPatterns(root, [join(root, '.minions-data')]) });
    assert.equal(filter.excludes('.minions-data', 'directory'), true);
    assert.equal(filter.excludes('.minions-data/repositories/meta.json', 'file'), true);
    assert.equal(filter.excludes('lib/charge.js', 'file'), false);
  });
});
