import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChangeCollector, SETTLE_MS, type ChangeBatch } from '../../../indexer/watch/change-collector.js';
import type { CancelTimer, Clock } from '../../../indexer/watch/clock.js';
import { ManualClock } from '../../support/manual-clock.js';

const NOT_YET = Symbol('not yet');
type Outcome = ChangeBatch | 'idle' | undefined;

/**
 * What `promise` has settled to, or NOT_YET. Deterministic, no waiting: racing it
 * against an already resolved promise, the one settled first wins.
 */
function peek(promise: Promise<Outcome>): Promise<Outcome | typeof NOT_YET> {
  return Promise.race([promise, Promise.resolve(NOT_YET)]);
}

function asBatch(outcome: Outcome | typeof NOT_YET): ChangeBatch {
  assert.ok(typeof outcome === 'object', `a batch, not ${String(outcome)}`);
  return outcome;
}

const running = (): AbortSignal => new AbortController().signal;

/** Advances `clock` to one ms before `time` (nothing settled yet), then to `time`; returns what `pending` settled to then. */
async function settlesAt(clock: ManualClock, pending: Promise<Outcome>, time: number): Promise<Outcome> {
  clock.advanceTo(time - 1);
  assert.equal(await peek(pending), NOT_YET, `not settled at ${clock.now()}`);
  clock.advanceTo(time);
  const outcome = await peek(pending);
  assert.notEqual(outcome, NOT_YET, `settled at ${time}`);
  return outcome as Outcome;
}

/**
 * Node's timers fire up to ~0.5 ms early against `performance.now()`: this clock reads
 * half a millisecond short of the deadline inside its timer callbacks.
 */
class EarlyFiringClock implements Clock {
  private firing = false;
  constructor(private readonly inner: ManualClock) {}
  now(): number {
    return this.inner.now() - (this.firing ? 0.5 : 0);
  }
  schedule(callback: () => void, delayMs: number): CancelTimer {
    return this.inner.schedule(() => {
      this.firing = true;
      try {
        callback();
      } finally {
        this.firing = false;
      }
    }, delayMs);
  }
}

describe('ChangeCollector', () => {
  it('flushes exactly a debounce after the last change, with everything that came before', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 30, maxWaitMs: 5_000, clock });
    for (const path of ['a.js', 'b.js']) collector.addPath(path);
    clock.advance(10);
    collector.addPath('a.js');
    collector.addFolder('old');
    const batch = asBatch(await settlesAt(clock, collector.next(running()), 40));
    assert.deepEqual(
      { paths: [...batch.paths], folders: [...batch.folders], rulesChanged: batch.rulesChanged, firstAt: batch.firstAt },
      { paths: ['a.js', 'b.js'], folders: ['old'], rulesChanged: false, firstAt: 0 },
    );
    collector.close();
  });

  it('flushes exactly maxWaitMs after the first change while changes keep coming, so a long burst becomes a few batches', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 40, maxWaitMs: 120, clock });
    const batches: { at: number; paths: string[] }[] = [];
    let pending = collector.next(running());
    // One new path every 10 ms from t=10 to t=400, a consumer that asks for the next batch at once.
    for (let time = 1, added = 0; time <= 700; time++) {
      clock.advanceTo(time);
      const outcome = await peek(pending);
      if (outcome !== NOT_YET) {
        batches.push({ at: time, paths: [...asBatch(outcome).paths] });
        pending = collector.next(running());
      }
      if (time % 10 === 0 && added < 40) collector.addPath(`file${added++}.js`);
    }
    // Max-wait flushes at 130, 250, 370 (first changes at 10, 130, 250): 12 new paths each, plus
    // from the second on the 7 paths the previous flush took under SETTLE_MS old, read again 75 ms
    // later. The last 4 paths go by debounce at 400 + 40, and come back once more at 515 + 40;
    // the 7 taken fresh at 370 come back at 445 + 40.
    assert.deepEqual(batches.map(({ at, paths }) => [at, paths.length]), [[130, 12], [250, 19], [370, 19], [440, 4], [485, 7], [555, 4]]);
    assert.deepEqual(batches[0]?.paths, Array.from({ length: 12 }, (_, index) => `file${index}.js`));
    assert.equal(new Set(batches.slice(0, 4).flatMap(({ paths }) => paths)).size, 40, 'the first four batches hold every path');
    assert.equal(await peek(pending), NOT_YET, 'nothing after the rechecks');
    collector.close();
  });

  for (const [name, wrap] of [['a manual clock', (clock: ManualClock): Clock => clock], ['a clock whose timers fire 0.5 ms early', (clock: ManualClock): Clock => new EarlyFiringClock(clock)]] as const) {
    it(`does not recheck a path flushed by a full quiet period of SETTLE_MS, on ${name}`, async () => {
      const clock = new ManualClock();
      const collector = new ChangeCollector({ debounceMs: SETTLE_MS, maxWaitMs: 5_000, clock: wrap(clock) });
      collector.addPath('edited.js');
      assert.deepEqual([...asBatch(await settlesAt(clock, collector.next(running()), SETTLE_MS)).paths], ['edited.js']);
      assert.equal(await settlesAt(clock, collector.next(running(), SETTLE_MS * 2), SETTLE_MS * 3), 'idle', 'a one-file edit is one batch');
      assert.equal(clock.pending, 0, 'no recheck waiting');
      collector.close();
    });
  }

  it('does not recheck a path flushed by a full quiet period of SETTLE_MS on the real clock either', async () => {
    for (let round = 0; round < 10; round++) {
      const collector = new ChangeCollector({ debounceMs: SETTLE_MS, maxWaitMs: 5_000 });
      collector.addPath('edited.js');
      assert.deepEqual([...asBatch(await collector.next(running())).paths], ['edited.js']);
      assert.equal(await collector.next(running(), SETTLE_MS * 2), 'idle', 'a one-file edit is one batch');
      collector.close();
    }
  });

  it('keeps changes that arrive while a batch is indexed for the next batch', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 10, maxWaitMs: 1_000, clock });
    collector.addPath('first.js');
    const first = asBatch(await settlesAt(clock, collector.next(running()), 10));
    clock.advance(3);
    collector.addPath('during.js');
    collector.rulesChanged();
    const second = asBatch(await settlesAt(clock, collector.next(running()), 23));
    assert.deepEqual([[...first.paths], [...second.paths], second.rulesChanged, second.firstAt], [['first.js'], ['during.js'], true, 13]);
    // A 10 ms debounce is shorter than SETTLE_MS: first.js is read again, SETTLE_MS after its flush.
    const third = asBatch(await settlesAt(clock, collector.next(running()), 10 + SETTLE_MS + 10));
    assert.deepEqual([[...third.paths], third.rulesChanged], [['first.js'], false]);
    collector.close();
  });

  it('reads a path again exactly SETTLE_MS after a forced flush took it while still fresh, and only once', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 1_000, maxWaitMs: 20, clock });
    collector.addPath('hot.js');
    const first = asBatch(await settlesAt(clock, collector.next(running()), 20));
    assert.deepEqual([...first.paths], ['hot.js']);
    // The recheck at 20 + SETTLE_MS starts a batch of its own, flushed by maxWaitMs.
    const again = asBatch(await settlesAt(clock, collector.next(running()), 20 + SETTLE_MS + 20));
    assert.deepEqual([[...again.paths], again.firstAt], [['hot.js'], 20 + SETTLE_MS]);
    assert.equal(await settlesAt(clock, collector.next(running(), 500), 20 + SETTLE_MS + 20 + 500), 'idle');
    collector.close();
  });

  it('reports idle exactly after a quiet period, a change replaces the idle wait, and nothing once aborted', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 10, maxWaitMs: 100, clock });
    assert.equal(await settlesAt(clock, collector.next(running(), 20), 20), 'idle');
    const waiting = collector.next(running(), 20);
    clock.advance(15);
    collector.addPath('late.js');
    assert.deepEqual([...asBatch(await settlesAt(clock, waiting, 45)).paths], ['late.js']);
    const controller = new AbortController();
    const pending = collector.next(controller.signal, 50);
    controller.abort();
    assert.equal(await peek(pending), undefined);
    assert.equal(await collector.next(controller.signal), undefined, 'an aborted signal resolves at once');
    collector.close();
  });

  it('stops every timer on close, a pending next resolving undefined', async () => {
    const clock = new ManualClock();
    const collector = new ChangeCollector({ debounceMs: 10, maxWaitMs: 20, clock });
    collector.addPath('hot.js');
    await settlesAt(clock, collector.next(running()), 10);
    collector.addPath('other.js');
    const pending = collector.next(running());
    assert.equal(clock.pending, 2, 'the recheck of hot.js and the next flush');
    collector.close();
    assert.deepEqual([await peek(pending), clock.pending], [undefined, 0]);
  });
});
