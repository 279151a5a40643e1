import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { forgetRepository, lazyEmbedder, openIndex, type CodeIndex, type RepositoryIndex } from '../../../indexer/index.js';
import { savedSignalsPath } from '../../../indexer/graph/saved-signals.js';
import type { IndexSummary } from '../../../schemas/index.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

/** Six files use core.js's helper; leaf.js matches the query better by text. With a strong centrality prior core.js leads. */
const tree: Record<string, string> = {
  ...Object.fromEntries(
    Array.from({ length: 6 }, (_, index) => [`lib/user${index}.js`, `const { helper } = require('./core')\nfunction use${index} () {\n  return helper(${index})\n}\nmodule.exports = { use${index} }\n`]),
  ),
  'lib/core.js': '// trims a header value\nfunction trimValue (value) {\n  return value.trim()\n}\nfunction helper (value) {\n  return value\n}\nmodule.exports = { trimValue, helper }\n',
  'lib/leaf.js': '// trims a header value, trims the header value again\nfunction trimHeaderValue (value) {\n  return value.trim()\n}\nmodule.exports = { trimHeaderValue }\n',
};

interface Saved {
  format: number;
  version: string;
  centrality: [string, number][];
  neighbours: [string, string[]][];
}

async function drain(handle: RepositoryIndex): Promise<IndexSummary> {
  const run = handle.index();
  for (let next = await run.next(); ; next = await run.next()) if (next.done) return next.value;
}

describe('saved graph signals', () => {
  let folder = '';
  let dataDir = '';
  let root = '';
  const open = (): Promise<CodeIndex> => openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  /** The first result of the query in a fresh index handle, as a new `minions query` process would rank it. */
  const leadInNewProcess = async (): Promise<string | undefined> => {
    const index = await open();
    try {
      const handle = await index.repository(root);
      return (await handle.query({ query: 'trim header value', mode: 'text', k: 5 }, { ranking: { centralityWeight: 1 } })).results[0]?.path;
    } finally {
      await index.close();
    }
  };
  let savedPath = '';
  const readSaved = async (): Promise<Saved> => JSON.parse(await readFile(savedPath, 'utf8')) as Saved;

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-signals-'));
    dataDir = join(folder, 'data');
    root = await writeTree(join(folder, 'repo'), tree);
    const index = await open();
    const handle = await index.repository(root);
    await drain(handle);
    savedPath = savedSignalsPath(join(dataDir, 'repositories'), handle.id);
    await handle.analyseGraph();
    await index.close();
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('are saved after an analysis and read by the next process instead of analysing again', async () => {
    const saved = await readSaved();
    assert.equal(saved.format, 1);
    assert.ok(saved.centrality.some(([path, value]) => path === 'lib/core.js' && value === 1), 'core.js is the most central file');
    assert.equal(await leadInNewProcess(), 'lib/core.js');
    // Doctored at the same version: the next process ranks with what is saved, so it read the file.
    await writeFile(savedPath, JSON.stringify({ ...saved, centrality: [['lib/leaf.js', 100]] }));
    assert.equal(await leadInNewProcess(), 'lib/leaf.js');
  });

  it('are ignored when damaged or of another index version, and saved again', async () => {
    await writeFile(savedPath, '{"format": 1, "version": ');
    assert.equal(await leadInNewProcess(), 'lib/core.js', 'a damaged file is analysed again');
    const saved = await readSaved();
    assert.ok(saved.centrality.some(([path, value]) => path === 'lib/core.js' && value === 1), 'and saved whole');

    await writeFile(savedPath, JSON.stringify({ ...saved, centrality: [['lib/leaf.js', 100]] }));
    await writeFile(join(root, 'lib/user0.js'), "const { helper } = require('./core')\nfunction useZero () {\n  return helper(0)\n}\nmodule.exports = { useZero }\n");
    const index = await open();
    await drain(await index.repository(root));
    await index.close();
    assert.equal(await leadInNewProcess(), 'lib/core.js', 'signals of an older version are not used');
    const fresh = await readSaved();
    assert.notEqual(fresh.version, saved.version);
    assert.ok(fresh.centrality.some(([path, value]) => path === 'lib/core.js' && value === 1));
  });

  it('go with the repository when it is forgotten', async () => {
    await forgetRepository(dataDir, root, { command: 'test' });
    await assert.rejects(stat(savedPath), { code: 'ENOENT' });
  });
});
