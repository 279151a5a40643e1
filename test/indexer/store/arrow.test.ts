// apache-arrow is loaded once, from its single-file build, for LanceDB and the row schemas.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { arrow } from '../../../indexer/store/arrow.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { IndexFixture } from '../index-helpers.js';

const require = createRequire(import.meta.url);

test('LanceDB and the row schemas share one apache-arrow, the single-file build, and an index works on it', async (t) => {
  const fixture = await IndexFixture.create();
  t.after(() => fixture.dispose());
  const root = await fixture.repo('repo', { 'a.js': 'function alpha() {\n  return 1;\n}\n' });
  const { summary } = await fixture.index(root, new RecordingEmbedder());
  assert.equal(summary.chunks, 1);
  assert.equal((await fixture.query({ repo: root, query: 'alpha', mode: 'text', k: 1 }))[0]?.symbol, 'alpha');
  // What `require('apache-arrow')` gives LanceDB is the module the schemas were built with.
  assert.equal(require('apache-arrow'), arrow);
  // The package entry and the bundle: not the ~140 modules of Arrow.node.js.
  const loaded = Object.keys(require.cache).filter((path) => path.includes('/node_modules/apache-arrow/'));
  assert.ok(loaded.length <= 2, loaded.join('\n'));
  assert.ok(loaded.some((path) => path.endsWith('Arrow.es2015.min.js')), loaded.join('\n'));
});
