import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_TOKENS, chunkText, estimateTokens } from '../../../indexer/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));

function allFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? allFiles(path) : entry.isFile() ? [path] : [];
  });
}

/** Every fixture, chunked with the default budget and with a tiny one that forces splitting everywhere. */
describe('coverage property: every non-blank line of a file lands in at least one chunk', () => {
  const files = allFiles(fixtures).filter((path) => !readFileSync(path).includes(0));
  it('has fixtures to check', () => assert.ok(files.length >= 12, `found ${files.length} fixtures`));
  for (const maxTokens of [DEFAULT_MAX_TOKENS, 32]) {
    it(`holds for all fixtures with a budget of ${maxTokens} tokens`, async () => {
      for (const file of files) {
        const path = relative(fixtures, file).split('\\').join('/');
        const text = readFileSync(file, 'utf8');
        const { chunks } = await chunkText(path, text, { maxTokens });
        const lines = text.replace(/\r\n?/g, '\n').split('\n');
        const covered = new Set<number>();
        for (const chunk of chunks) {
          assert.ok(chunk.startLine >= 1 && chunk.startLine <= chunk.endLine && chunk.endLine <= lines.length, `${path}: ${chunk.qualifiedName} has a valid range`);
          for (let line = chunk.startLine; line <= chunk.endLine; line++) covered.add(line);
          const singleLine = !chunk.content.includes('\n');
          assert.ok(singleLine || estimateTokens(chunk.content) <= maxTokens, `${path}: ${chunk.qualifiedName} (${chunk.startLine}) is within the budget`);
        }
        lines.forEach((line, index) => {
          if (line.trim() !== '') assert.ok(covered.has(index + 1), `${path}:${index + 1} is in no chunk: ${line}`);
        });
      }
    });
  }
});
