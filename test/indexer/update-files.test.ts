import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

describe('updateFiles (live updates in two phases)', () => {
  let fixture: IndexFixture;
  let embedder: RecordingEmbedder;
  let root = '';
  beforeEach(async () => {
    fixture = await IndexFixture.create();
    embedder = new RecordingEmbedder();
    root = await fixture.repo('repo', { 'src/a.js': 'function alpha() {\n  return 1;\n}\n', 'src/b.js': 'function beta() {\n  return 2;\n}\n' });
    await fixture.index(root, embedder);
  });
  afterEach(() => fixture.dispose());

  it('makes a changed file searchable by text before its vectors exist, then by vector', async () => {
    await writeFile(join(root, 'src/a.js'), 'function alphaRenamedToGamma() {\n  return 3;\n}\n');
    const run = fixture.update(root, ['src/a.js'], embedder);
    const textReady = await run.next();
    assert.equal((textReady.value as { type?: string }).type, 'text-ready');
    const text = await fixture.query({ repo: root, query: 'alpha renamed to gamma', mode: 'text', k: 5 });
    assert.equal(text[0]?.symbol, 'alphaRenamedToGamma', 'searchable by text in the text phase');
    assert.ok(!text.some((result) => result.symbol === 'alpha'), 'no ghost of the old version');
    const before = await fixture.query({ repo: root, query: 'alpha renamed to gamma', mode: 'vector', k: 10 }, embedder);
    assert.ok(!before.some((result) => result.symbol === 'alphaRenamedToGamma'), 'rows without vectors are not in vector results');
    const vectorsReady = await run.next();
    assert.equal((vectorsReady.value as { type?: string }).type, 'vectors-ready');
    const done = await run.next();
    assert.equal(done.done, true);
    const after = await fixture.query({ repo: root, query: 'alpha renamed to gamma', mode: 'vector', k: 10 }, embedder);
    assert.equal(after[0]?.symbol, 'alphaRenamedToGamma');
    const all = await fixture.query({ repo: root, query: 'function return', mode: 'hybrid', k: 20 }, embedder);
    const keys = all.map((result) => `${result.path}:${result.startLine}`);
    assert.equal(new Set(keys).size, keys.length, 'no chunk twice');
  });

  it('removes deleted paths and ignores unknown missing ones', async () => {
    await rm(join(root, 'src/b.js'));
    const run = fixture.update(root, ['src/b.js', 'src/never-existed.js'], embedder);
    let result = await run.next();
    while (!result.done) result = await run.next();
    assert.deepEqual(result.value, { changed: 0, deleted: 1, unchanged: 0, chunks: 0, embedded: 0, cached: 0 });
    assert.deepEqual(await fixture.query({ repo: root, query: 'beta', mode: 'text', k: 5 }), []);
  });

  it('a run stopped after the text phase leaves rows that the next index run embeds', async () => {
    await writeFile(join(root, 'src/c.js'), 'function charlie() {\n  return 4;\n}\n');
    const run = fixture.update(root, ['src/c.js'], embedder);
    await run.next();
    await run.return(undefined);
    const { summary } = await fixture.index(root, embedder);
    assert.ok(summary.embedded >= 1, 'the pending rows were embedded');
    const vector = await fixture.query({ repo: root, query: 'charlie', mode: 'vector', k: 3 }, embedder);
    assert.equal(vector[0]?.symbol, 'charlie');
  });

  it('refuses to update an index that was never built', async () => {
    const other = await fixture.repo('other', { 'x.js': 'function x() {}\n' });
    const run = fixture.update(other, ['x.js'], embedder);
    await assert.rejects(run.next(), (error: unknown) => error instanceof MinionsError && error.code === 'index-missing');
  });
});
