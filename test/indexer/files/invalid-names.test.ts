import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { discoverFiles } from '../../../indexer/files/index.js';
import { collect, createTempRepository } from './temp-repository.js';

/** A path under `root` whose last part is raw bytes (not valid UTF-8 when they say so). */
const rawPath = (root: string, ...bytes: number[]): Buffer => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(bytes)]);

describe('discoverFiles and names that are not valid UTF-8', () => {
  it('reports files and folders with such names as invalid-name instead of dropping them', async (t) => {
    const root = await createTempRepository(t, { 'a.js': 'export const a = 1;\n', 'z.js': 'export const z = 1;\n' });
    writeFileSync(rawPath(root, 0x66, 0xff, 0x2e, 0x6a, 0x73), 'export const f = 1;\n'); // f\xff.js
    mkdirSync(rawPath(root, 0x64, 0xfe)); // d\xfe/
    writeFileSync(Buffer.concat([rawPath(root, 0x64, 0xfe), Buffer.from('/inner.js')]), 'export const inner = 1;\n');
    const entries = await collect(discoverFiles(root));
    assert.deepEqual(
      entries.map((entry) => [entry.path, entry.type === 'skipped' ? entry.reason : 'file']),
      [
        ['a.js', 'file'],
        ['d\uFFFD/', 'invalid-name'],
        ['f\uFFFD.js', 'invalid-name'],
        ['z.js', 'file'],
      ],
    );
    const file = entries.find((entry) => entry.path === 'f\uFFFD.js');
    assert.ok(file?.type === 'skipped');
    assert.match(file.detail, /not valid UTF-8 \(bytes 66 ff 2e 6a 73\).*rename it/);
  });

  it('indexes a valid name that holds U+FFFD itself, and says nothing about an ignored invalid name', async (t) => {
    const root = await createTempRepository(t, { 'x\uFFFD.js': 'export const x = 1;\n', '.gitignore': '*.log\n' });
    writeFileSync(rawPath(root, 0x6c, 0xff, 0x2e, 0x6c, 0x6f, 0x67), 'noise\n'); // l\xff.log, ignored
    const entries = await collect(discoverFiles(root));
    assert.deepEqual(
      entries.map((entry) => [entry.path, entry.type]),
      [
        ['.gitignore', 'file'],
        ['x\uFFFD.js', 'file'],
      ],
    );
  });
});
