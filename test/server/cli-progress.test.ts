import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { IndexEvent } from '../../schemas/index.js';
import { IndexProgress } from '../../server/cli/progress.js';

/** A non-terminal stream that keeps what is written, and a clock moved by hand. */
function setup(): { progress: IndexProgress; lines: () => string[]; clock: { ms: number } } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const clock = { ms: 0 };
  return { progress: new IndexProgress(stream, () => clock.ms), lines: () => text.split('\n').filter(Boolean), clock };
}

test('index progress: a text phase, then a vector phase whose ETA counts chunks from its own rate', () => {
  const { progress, lines, clock } = setup();
  const events: [number, IndexEvent][] = [
    [0, { type: 'scan-end', files: 10, toProcess: 10, deleted: 0, unchanged: 0 }],
    [6_000, { type: 'batch-end', filesDone: 10, filesTotal: 10, chunks: 1_000, embedded: 0, cached: 0 }],
    [6_500, { type: 'text-end', files: 10, deleted: 0, chunks: 1_000, pending: 1_000, seconds: 6.5 }],
    [6_500, { type: 'vectors-progress', done: 0, total: 1_000, embedded: 0, cached: 0 }],
    // One file of 900 chunks among ten: by files the run would look 90% done; by chunks it is 10% done.
    [16_500, { type: 'vectors-progress', done: 100, total: 1_000, embedded: 100, cached: 0 }],
  ];
  for (const [ms, event] of events) {
    clock.ms = ms;
    progress.update(event);
  }
  const printed = lines();
  assert.match(printed[1] ?? '', /^text \[=+\] 10\/10 files · 1,000 chunks/);
  assert.equal(printed[2], 'Searchable by text after 7s: 10 files (re)chunked, 1,000 chunks; 1,000 to embed.');
  assert.match(printed[3] ?? '', /^vectors \[=* *\] 100\/1,000 chunks · 100 embedded \(10\.0\/s\) · 0 cached · ETA 1m30s$/);
});

test('index progress: a run with nothing to chunk or embed prints no phase lines', () => {
  const { progress, lines } = setup();
  progress.update({ type: 'text-end', files: 0, deleted: 0, chunks: 1_000, pending: 0, seconds: 0.2 });
  progress.update({ type: 'vectors-progress', done: 0, total: 0, embedded: 0, cached: 0 });
  assert.deepEqual(lines(), []);
});
