import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_CHUNKS, chunkText } from '../../../indexer/index.js';

/** `count` one-line functions, each a chunk of its own. */
const manyFunctions = (count: number): string => Array.from({ length: count }, (_, index) => `function f${index}() { return ${index}; }\n\n`).join('');

describe('the per-file chunk cap', () => {
  it(`keeps the first ${DEFAULT_MAX_CHUNKS} chunks of a file that makes more, and says so`, async () => {
    const chunked = await chunkText('many.js', manyFunctions(2500));
    assert.equal(DEFAULT_MAX_CHUNKS, 2000);
    assert.equal(chunked.chunks.length, DEFAULT_MAX_CHUNKS);
    assert.deepEqual(chunked.capped, { total: 2500, kept: DEFAULT_MAX_CHUNKS });
    assert.equal(chunked.chunks[0]?.name, 'f0');
    assert.equal(chunked.chunks[DEFAULT_MAX_CHUNKS - 1]?.name, `f${DEFAULT_MAX_CHUNKS - 1}`, 'the first chunks in line order are kept');
    assert.equal(chunked.note, '2500 chunks, over the cap of 2000: only the first 2000 (to line 3999) are kept');
  });

  it('caps line windows too, and leaves a file at the cap alone', async () => {
    const lines = Array.from({ length: 40 }, (_, index) => `line ${index} ${'word '.repeat(30)}`).join('\n');
    const capped = await chunkText('notes.txt', lines, { maxChunks: 3 });
    assert.equal(capped.method, 'lines');
    assert.equal(capped.chunks.length, 3);
    assert.match(capped.note ?? '', /^no grammar for this file type; \d+ chunks, over the cap of 3: only the first 3 \(to line \d+\) are kept$/);
    const whole = await chunkText('many.js', manyFunctions(3), { maxChunks: 3 });
    assert.equal(whole.chunks.length, 3);
    assert.equal(whole.capped, undefined);
    assert.equal(whole.note, undefined);
  });
});
