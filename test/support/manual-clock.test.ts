import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('fires due timers in deadline order, each at its own deadline, and nothing early', () => {
    const clock = new ManualClock(100);
    const fired: string[] = [];
    const record = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.schedule(record('late'), 30);
    clock.schedule(record('early'), 10);
    clock.schedule(record('same-deadline-second'), 30);
    clock.schedule(record('zero'), 0);
    assert.deepEqual(fired, [], 'nothing fires from schedule itself');
    clock.advance(0);
    clock.advance(29);
    assert.deepEqual(fired, ['zero@100', 'early@110']);
    clock.advance(1);
    assert.deepEqual(fired, ['zero@100', 'early@110', 'late@130', 'same-deadline-second@130']);
    assert.equal(clock.now(), 130);
  });

  it('fires timers started by a callback when they fall due within the same advance', () => {
    const clock = new ManualClock();
    const fired: number[] = [];
    clock.schedule(() => {
      fired.push(clock.now());
      clock.schedule(() => fired.push(clock.now()), 5);
    }, 5);
    clock.advanceTo(12);
    assert.deepEqual([fired, clock.now(), clock.pending], [[5, 10], 12, 0]);
  });

  it('never fires a cancelled timer, and refuses to go back', () => {
    const clock = new ManualClock();
    let fired = false;
    const cancel = clock.schedule(() => (fired = true), 1);
    cancel();
    clock.advance(10);
    assert.equal(fired, false);
    assert.equal(clock.pending, 0);
    assert.throws(() => clock.advanceTo(5), RangeError);
  });

  it('tells when timers are waiting', async () => {
    const clock = new ManualClock();
    const two = clock.whenPending(2);
    clock.schedule(() => undefined, 1);
    await clock.whenPending(1);
    clock.schedule(() => undefined, 1);
    await two;
    assert.equal(clock.pending, 2);
  });
});
