import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeCollector, SETTLE_MS, type ChangeBatch } from '../../../indexer/watch/change-collector.js';

/** Adds one path every `everyMs` until `count` paths were added; resolves when done. */
function trickle(collector: ChangeCollector, count: number, everyMs: number): Promise<void> {
  return new Promise((resolve) => {
    let added = 0;
    const timer = setInterval(() => {
      collector.addPath(`file${added++}.js`);
      if (added === count) {
        clearInterval(timer);
        resolve();
      }
    }, everyMs);
  });
}

async function nextBatch(collector: ChangeCollector, signal = new AbortController().signal): Promise<ChangeBatch> {
  const batch = await collector.next(signal);
  assert.ok(batch !== undefined && batch !== 'idle', 'a batch');
  return batch;
}

describe('ChangeCollector', () => {
  it('flushes after a quiet debounce, with everything that came before', async () => {
    const collector = new ChangeCollector({ debounceMs: 30, maxWaitMs: 5_000 });
    for (const path of ['a.js', 'b.js', 'a.js']) collector.addPath(path);
    collector.addFolder('old');
    const started = performance.now();
    const batch = await nextBatch(collector);
    assert.ok(performance.now() - started >= 25, 'waited for the quiet period');
    assert.deepEqual({ paths: [...batch.paths], folders: [...batch.folders], rulesChanged: batch.rulesChanged }, { paths: ['a.js', 'b.js'], folders: ['old'], rulesChanged: false });
    collector.close();
  });

  it('flushes at maxWaitMs while changes keep coming, so a long burst becomes a few batches', async () => {
    const collector = new ChangeCollector({ debounceMs: 40, maxWaitMs: 120 });
    const done = trickle(collector, 40, 10);
    const sizes: number[] = [];
    const seen = new Set<string>();
    while (seen.size < 40) {
      const batch = await nextBatch(collector);
      sizes.push(batch.paths.size);
      for (const path of batch.paths) seen.add(path);
    }
    await done;
    assert.ok(sizes.length >= 2 && sizes.length <= 10, `batches: ${sizes.join(', ')}`);
    collector.close();
  });

  it('does not recheck a path flushed by a full quiet period of SETTLE_MS (timers firing a little early included)', async () => {
    for (let round = 0; round < 10; round++) {
      const collector = new ChangeCollector({ debounceMs: SETTLE_MS, maxWaitMs: 5_000 });
      collector.addPath('edited.js');
      await nextBatch(collector);
      assert.equal(await collector.next(new AbortController().signal, SETTLE_MS * 2), 'idle', 'a one-file edit is one batch');
      collector.close();
    }
  });

  it('keeps changes that arrive while a batch is indexed for the next batch', async () => {
    const collector = new ChangeCollector({ debounceMs: 10, maxWaitMs: 1_000 });
    collector.addPath('first.js');
    const first = await nextBatch(collector);
    collector.addPath('during.js');
    collector.rulesChanged();
    const second = await nextBatch(collector);
    assert.deepEqual([[...first.paths], [...second.paths], second.rulesChanged], [['first.js'], ['during.js'], true]);
    collector.close();
  });

  it('reads a path again after the settle window when a forced flush took it while still fresh', async () => {
    const collector = new ChangeCollector({ debounceMs: 1_000, maxWaitMs: 20 });
    collector.addPath('hot.js');
    const first = await nextBatch(collector);
    assert.deepEqual([...first.paths], ['hot.js']);
    const started = performance.now();
    const again = await nextBatch(collector);
    assert.deepEqual([...again.paths], ['hot.js']);
    assert.ok(performance.now() - started >= SETTLE_MS - 25, 'not before the settle window');
    collector.close();
  });

  it('reports idle after a quiet period, and nothing once aborted', async () => {
    const collector = new ChangeCollector({ debounceMs: 10, maxWaitMs: 100 });
    assert.equal(await collector.next(new AbortController().signal, 20), 'idle');
    const controller = new AbortController();
    const pending = collector.next(controller.signal);
    controller.abort();
    assert.equal(await pending, undefined);
    collector.close();
  });
});
