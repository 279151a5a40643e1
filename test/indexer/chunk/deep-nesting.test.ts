import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunkText, estimateTokens, type ChunkedFile } from '../../../indexer/index.js';

const DEPTH = 2000;

/** Files of 2,000 nested declarations (the attack: ~28 KB each), one per language that nests them. */
const deepFiles: Record<string, { text: string; outer: string; second: string }> = {
  'deep.cpp': { text: `${'namespace a {\n'.repeat(DEPTH)}int f() { return 1; }\n${'}\n'.repeat(DEPTH)}`, outer: 'a', second: 'a::a' },
  'deep.rs': { text: `${'mod a {\n'.repeat(DEPTH)}fn f() {}\n${'}\n'.repeat(DEPTH)}`, outer: 'a', second: 'a::a' },
  'deep.rb': { text: `${'module A\n'.repeat(DEPTH)}def f; end\n${'end\n'.repeat(DEPTH)}`, outer: 'A', second: 'A::A' },
  'deep.ts': { text: `${'namespace A {\n'.repeat(DEPTH)}function f() {}\n${'}\n'.repeat(DEPTH)}`, outer: 'A', second: 'A.A' },
  'deep.js': { text: `${'class A { m() {\n'.repeat(DEPTH)}return 1;\n${'}}\n'.repeat(DEPTH)}`, outer: 'A', second: 'A.m' },
  'deep.cs': { text: `${'namespace A {\n'.repeat(DEPTH)}class C {}\n${'}\n'.repeat(DEPTH)}`, outer: 'A', second: 'A.A' },
  'deep.java': { text: `${'class A {\n'.repeat(DEPTH)}void f() {}\n${'}\n'.repeat(DEPTH)}`, outer: 'A', second: 'A.A' },
  'deep.php': { text: `<?php\n${'class A { function f() {\n'.repeat(DEPTH)}$x = 1;\n${'}}\n'.repeat(DEPTH)}`, outer: 'A', second: 'A::f' },
  'deep.py': {
    text: `${Array.from({ length: 300 }, (_, level) => `${' '.repeat(level)}class C:`).join('\n')}\n${' '.repeat(300)}pass\n`,
    outer: 'C',
    second: 'C.C',
  },
};

/** The coverage property of `coverage.test.ts`: every non-blank line in a chunk, every chunk of several lines within budget. */
function assertCovered(path: string, text: string, chunked: ChunkedFile, maxTokens: number): void {
  const lines = text.split('\n');
  const covered = new Set<number>();
  for (const chunk of chunked.chunks) {
    assert.ok(chunk.startLine >= 1 && chunk.startLine <= chunk.endLine && chunk.endLine <= lines.length, `${path}: ${chunk.qualifiedName} has a valid range`);
    for (let line = chunk.startLine; line <= chunk.endLine; line++) covered.add(line);
    const singleLine = !chunk.content.includes('\n');
    assert.ok(singleLine || estimateTokens(chunk.content) <= maxTokens, `${path}: ${chunk.qualifiedName} (${chunk.startLine}) is within the budget`);
  }
  lines.forEach((line, index) => {
    if (line.trim() !== '') assert.ok(covered.has(index + 1), `${path}:${index + 1} is in no chunk: ${line}`);
  });
}

describe('chunkText on deeply nested code', () => {
  for (const [path, { text, outer, second }] of Object.entries(deepFiles)) {
    it(`chunks ${path} without exhausting the stack: symbols for the shallow part, line windows for the deep part`, async () => {
      for (const maxTokens of [224, 32]) {
        const chunked = await chunkText(path, text, { maxTokens });
        assert.equal(chunked.method, 'symbols', `${path}: the shallow part keeps its symbols`);
        assert.match(chunked.note ?? '', /nesting deeper than 64 levels/, `${path}: the note says the deep part became line windows`);
        assertCovered(path, text, chunked, maxTokens);
        const names = new Set(chunked.chunks.map((chunk) => chunk.qualifiedName));
        assert.ok(names.has(outer) && names.has(second), `${path}: the outer symbols are chunks (${[...names].slice(0, 4).join(', ')})`);
      }
    });
  }

  it('leaves no note on ordinary nesting', async () => {
    const chunked = await chunkText('lib/a.ts', 'namespace A {\n  namespace B {\n    function f() {}\n  }\n}\n');
    assert.equal(chunked.note, undefined);
    assert.deepEqual(chunked.chunks.map((chunk) => chunk.qualifiedName), ['A', 'A.B', 'A.B.f']);
  });

  it('caps nesting through transparent nodes too (2,000 nested #ifdef blocks)', async () => {
    const text = `${'#ifdef X\n'.repeat(DEPTH)}int f(void) { return 1; }\n${'#endif\n'.repeat(DEPTH)}`;
    const chunked = await chunkText('deep.c', text);
    assert.match(chunked.note ?? '', /nesting deeper than 64 levels/);
    assertCovered('deep.c', text, chunked, 224);
  });
});
