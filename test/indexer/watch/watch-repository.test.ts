import assert from 'node:assert/strict';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { EMBED_TEXTS_PER_CALL, listIndexedPaths, type EmbedOptions } from '../../../indexer/index.js';
import type { WatchEvent } from '../../../schemas/index.js';
import { ManualClock } from '../../support/manual-clock.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';
import { IndexFixture } from '../index-helpers.js';
import { queryProblems } from './index-state.js';
import { WatchHarness } from './watch-harness.js';

/** A small JavaScript file holding one function, so each version has words of its own. */
const source = (name: string, words = name): string => `function ${name}() {\n  return '${words}';\n}\n`;

async function put(root: string, path: string, content: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), content);
}

/** An embedder that fails while `failing` is set, as a model server that went away would. */
class FlakyEmbedder extends RecordingEmbedder {
  failing = false;
  override async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    if (this.failing) throw new Error('the embedding model is unavailable');
    return super.embed(texts, options);
  }
}

describe('watchRepository', () => {
  let fixture: IndexFixture;
  let watcher: WatchHarness | undefined;
  beforeEach(async () => {
    fixture = await IndexFixture.create();
  });
  afterEach(async () => {
    await watcher?.stop();
    assert.equal(watcher?.failure, undefined, 'stopping through the signal is not an error');
    watcher = undefined;
    await fixture.dispose();
  });

  /** The properties every scenario ends with: index == disk, and no ghost or duplicate in query results. */
  async function assertConverged(harness: WatchHarness): Promise<void> {
    await harness.converged();
    assert.deepEqual(await queryProblems(fixture.store, fixture.metaFolder, harness.root, harness.embedder, 'function return'), []);
  }

  const batchPaths = (harness: WatchHarness): string[] => harness.ofType('watch-batch-start').flatMap((event) => event.paths);

  it('turns a burst of 312 files into a few batches, every file searchable', async () => {
    const root = await fixture.repo('repo', { 'src/main.js': source('main') });
    watcher = await WatchHarness.start(fixture, root);
    for (let folder = 0; folder < 12; folder++) {
      for (let file = 0; file < 26; file++) await put(root, `src/module${folder}/file${file}.js`, source(`burst_${folder}_${file}`, `burst word${folder}x${file}`));
    }
    await watcher.converged();
    const batches = watcher.ofType('watch-batch-start');
    assert.ok(batches.length <= 8, `${batches.length} batches for 312 files`);
    assert.equal(watcher.ofType('watch-batch-end').reduce((sum, event) => sum + event.changed, 0), 312, 'each file indexed once');
    // Calls hold at most EMBED_TEXTS_PER_CALL texts (the model's memory grows with a call's size): per batch, as few calls as that allows.
    const perCall = Math.ceil(watcher.embedder.texts.length / EMBED_TEXTS_PER_CALL);
    assert.ok(watcher.embedder.calls.length <= perCall + batches.length + 1, `${watcher.embedder.calls.length} embedding calls for ${batches.length} batches`);
    await assertConverged(watcher);
    const found = await fixture.query({ repo: root, query: 'burst word7x13', mode: 'text', k: 3 });
    assert.equal(found[0]?.path, 'src/module7/file13.js');
  });

  it('handles change, rename and delete, then optimises after a quiet period', async () => {
    const root = await fixture.repo('repo', { 'src/a.js': source('omega'), 'src/b.js': source('beta'), 'src/c.js': source('gamma') });
    watcher = await WatchHarness.start(fixture, root, { optimizeAfterMs: 150 });
    await writeFile(join(root, 'src/a.js'), source('alphaEdited', 'edited version'));
    await rename(join(root, 'src/b.js'), join(root, 'src/bRenamed.js'));
    await rm(join(root, 'src/c.js'));
    await assertConverged(watcher);
    assert.deepEqual(await fixture.query({ repo: root, query: 'omega', mode: 'text', k: 5 }), [], 'the old version is gone');
    assert.equal((await fixture.query({ repo: root, query: 'beta', mode: 'text', k: 5 }))[0]?.path, 'src/bRenamed.js');
    assert.deepEqual(await fixture.query({ repo: root, query: 'gamma', mode: 'text', k: 5 }), [], 'the deleted file is gone');
    await watcher.waitFor((event) => event.type === 'watch-optimized', 'watch-optimized');
  });

  it('times the debounce and the quiet before optimising on the injected clock', { timeout: 30_000 }, async () => {
    const root = await fixture.repo('repo', { 'src/a.js': source('alpha') });
    const clock = new ManualClock();
    watcher = await WatchHarness.start(fixture, root, { clock, debounceMs: 75, optimizeAfterMs: 500 });
    await writeFile(join(root, 'src/a.js'), source('alphaEdited', 'edited version'));
    await clock.whenPending(1);
    clock.advance(74);
    assert.deepEqual(watcher.ofType('watch-batch-start'), [], 'no batch before the debounce is over');
    clock.advance(1);
    await watcher.waitFor((event) => event.type === 'watch-batch-end', 'watch-batch-end');
    assert.deepEqual(watcher.ofType('watch-batch-start').map(({ paths, waitedMs }) => ({ paths, waitedMs })), [{ paths: ['src/a.js'], waitedMs: 75 }]);
    await clock.whenPending(1);
    clock.advance(499);
    assert.deepEqual(watcher.ofType('watch-optimized'), [], 'no optimisation before the quiet period is over');
    clock.advance(1);
    const optimized = await watcher.waitFor((event) => event.type === 'watch-optimized', 'watch-optimized');
    assert.equal(optimized.type === 'watch-optimized' && optimized.batches, 1);
    await assertConverged(watcher);
  });

  it('moves a file into a new folder and removes a deleted folder, nested files included', async () => {
    const root = await fixture.repo('repo', { 'keep.js': source('keep'), 'old/a.js': source('oldA'), 'old/deep/b.js': source('oldB'), 'gone/x.js': source('goneX'), 'gone/deep/y.js': source('goneY') });
    watcher = await WatchHarness.start(fixture, root);
    await rename(join(root, 'old'), join(root, 'new'));
    await rm(join(root, 'gone'), { recursive: true });
    await assertConverged(watcher);
    assert.deepEqual(await listIndexedPaths(root, '', { store: fixture.store, embedder: watcher.embedder }), ['keep.js', 'new/a.js', 'new/deep/b.js']);
    const moved = await fixture.query({ repo: root, query: 'oldB', mode: 'text', k: 5 });
    assert.equal(moved[0]?.path, 'new/deep/b.js');
  });

  it('never indexes ignored paths: dependencies, .gitignore, nested negation, symbolic links', async () => {
    const root = await fixture.repo('repo', { '.gitignore': 'dist/\n*.log.js\n', 'pkg/.gitignore': '*.gen.js\n!keep.gen.js\n', 'src/main.js': source('main') });
    watcher = await WatchHarness.start(fixture, root);
    await put(root, 'node_modules/left-pad/index.js', source('leftPad'));
    await put(root, 'packages/web/node_modules/react/index.js', source('react'));
    await put(root, 'dist/bundle.js', source('bundle'));
    await put(root, 'src/debug.log.js', source('debugLog'));
    await put(root, 'pkg/drop.gen.js', source('dropGen'));
    await put(root, 'pkg/keep.gen.js', source('keepGen'));
    await symlink(join(root, 'src/main.js'), join(root, 'src/link.js'));
    await put(root, 'src/sentinel.js', source('sentinel'));
    await assertConverged(watcher);
    const ignored = ['node_modules/', 'packages/web/node_modules/', 'dist/', 'src/debug.log.js', 'pkg/drop.gen.js', 'src/link.js'];
    const leaked = batchPaths(watcher).filter((path) => ignored.some((prefix) => path.startsWith(prefix)));
    assert.deepEqual(leaked, [], 'ignored paths never reach a batch');
    assert.deepEqual(await listIndexedPaths(root, 'pkg', { store: fixture.store, embedder: watcher.embedder }), ['pkg/.gitignore', 'pkg/keep.gen.js']);
  });

  it('re-applies the rules when an ignore file changes, and watches folders they no longer exclude', async () => {
    const root = await fixture.repo('repo', { '.gitignore': 'generated/\n', 'generated/g.js': source('generatedG'), 'src/old.js': source('oldSource') });
    watcher = await WatchHarness.start(fixture, root);
    const inGenerated = async (): Promise<string[]> => (await fixture.query({ repo: root, query: 'generated', mode: 'text', k: 10, filters: { pathPrefix: 'generated/' } })).map((result) => result.path);
    assert.deepEqual(await inGenerated(), []);
    const from = watcher.events.length;
    await writeFile(join(root, '.gitignore'), 'src/old.js\n');
    await watcher.waitFor((event) => event.type === 'watch-reconcile' && event.reason === 'ignore-rules-changed', 'a reconciliation', 10_000, from);
    await assertConverged(watcher);
    assert.deepEqual(await inGenerated(), ['generated/g.js'], 'no longer ignored: indexed');
    assert.deepEqual(await listIndexedPaths(root, 'src', { store: fixture.store, embedder: watcher.embedder }), [], 'newly ignored: removed');
    await put(root, 'generated/h.js', source('generatedH'));
    await assertConverged(watcher);
    assert.deepEqual((await inGenerated()).sort(), ['generated/g.js', 'generated/h.js'], 'the folder is watched now');
  });

  it('re-applies the rules when .git/info/exclude changes', async () => {
    const root = await fixture.repo('repo', { '.git/info/exclude': '# nothing yet\n', 'a.js': source('alpha'), 'secret.js': source('secret') });
    watcher = await WatchHarness.start(fixture, root);
    const from = watcher.events.length;
    await writeFile(join(root, '.git/info/exclude'), 'secret.js\n');
    await watcher.waitFor((event) => event.type === 'watch-reconcile' && event.reason === 'ignore-rules-changed', 'a reconciliation', 10_000, from);
    await assertConverged(watcher);
    assert.deepEqual(await listIndexedPaths(root, '', { store: fixture.store, embedder: watcher.embedder }), ['a.js']);
  });

  it('reconciles at startup: edits, deletes and creations made while nothing watched, without a rebuild', async () => {
    const root = await fixture.repo('repo', { 'a.js': source('alpha'), 'b.js': source('beta'), 'c.js': source('gamma') });
    const embedder = new RecordingEmbedder();
    await fixture.index(root, embedder);
    await writeFile(join(root, 'a.js'), source('alphaEdited'));
    await rm(join(root, 'b.js'));
    await writeFile(join(root, 'd.js'), source('delta'));
    const embeddedBefore = embedder.texts.length;
    watcher = await WatchHarness.start(fixture, root, {}, embedder);
    assert.equal(await watcher.difference(), undefined, 'converged by watch-ready');
    const end = watcher.ofType('index-end')[0];
    assert.deepEqual(end && { changed: end.summary.changed, deleted: end.summary.deleted, unchanged: end.summary.unchanged, rebuilt: end.summary.rebuilt }, { changed: 2, deleted: 1, unchanged: 1, rebuilt: undefined });
    assert.equal(embedder.texts.length - embeddedBefore, 2, 'only the new chunks were embedded');
    assert.equal(watcher.ofType('index-rebuild').length, 0);
  });

  it('reports a failed batch as an event and carries on; the file is retried on its next change', async () => {
    const root = await fixture.repo('repo', { 'a.js': source('alpha') });
    const embedder = new FlakyEmbedder();
    watcher = await WatchHarness.start(fixture, root, {}, embedder);
    embedder.failing = true;
    await writeFile(join(root, 'b.js'), source('beta', 'first version'));
    const failure = (await watcher.waitFor((event) => event.type === 'watch-error', 'watch-error')) as Extract<WatchEvent, { type: 'watch-error' }>;
    assert.deepEqual({ message: failure.message, paths: failure.paths }, { message: 'the embedding model is unavailable', paths: ['b.js'] });
    embedder.failing = false;
    await writeFile(join(root, 'b.js'), source('beta', 'second version'));
    await assertConverged(watcher);
    assert.equal(watcher.ended, false);
  });

  it('ends with repository-missing when the repository is deleted or moved', async () => {
    const deleted = await fixture.repo('deleted', { 'a.js': source('alpha') });
    const moved = await fixture.repo('moved', { 'a.js': source('alpha') });
    watcher = await WatchHarness.start(fixture, deleted);
    const other = await WatchHarness.start(fixture, moved);
    await rm(deleted, { recursive: true });
    await rename(moved, `${moved}-elsewhere`);
    for (const harness of [watcher, other]) {
      const missing = await harness.waitFor((event) => event.type === 'repository-missing', 'repository-missing');
      assert.match((missing as Extract<WatchEvent, { type: 'repository-missing' }>).message, /was deleted or moved; stopped watching it/);
      await harness.stop();
      assert.equal(harness.ended, true);
      assert.equal(harness.failure, undefined);
    }
    assert.equal(watcher.ofType('watch-batch-start').length, 0, 'no update of a vanished repository');
  });
});
