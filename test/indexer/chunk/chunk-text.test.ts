import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEFAULT_MAX_TOKENS, chunkText, embeddingText, estimateTokens } from '../../../indexer/index.js';

describe('chunkText', () => {
  it('keeps doc comments with their symbol and qualifies methods with their class', async () => {
    const source = ['import x from "x";', '', '/** Sends. */', 'export function send(a: number) {', '  return a;', '}', '', 'class Reply {', '  hijack() {', '    return 1;', '  }', '}', ''].join('\n');
    const { chunks, method } = await chunkText('lib/reply.ts', source);
    assert.equal(method, 'symbols');
    const summary = chunks.map((chunk) => [chunk.kind, chunk.qualifiedName, chunk.startLine, chunk.endLine]);
    assert.deepEqual(summary, [
      ['module', 'lib/reply.ts', 1, 1],
      ['function', 'send', 3, 6],
      ['class', 'Reply', 8, 12],
      ['method', 'Reply.hijack', 9, 11],
    ]);
    const send = chunks[1];
    assert.equal(send?.doc, '/** Sends. */');
    assert.equal(send?.signature, 'function send(a: number)');
    assert.match(chunks[2]?.content ?? '', /hijack\(\) …/, 'the class chunk elides its method to a signature line');
  });

  it('hashes exactly the embedding text, so equal content gets equal hashes', async () => {
    const source = 'function a() { return 1; }\n';
    const first = await chunkText('x/a.js', source);
    const again = await chunkText('x/a.js', source);
    const chunk = first.chunks[0];
    assert.ok(chunk);
    assert.equal(chunk.contentHash, createHash('sha256').update(embeddingText(chunk)).digest('hex'));
    assert.equal(chunk.contentHash, again.chunks[0]?.contentHash);
    const moved = await chunkText('y/a.js', source);
    assert.notEqual(moved.chunks[0]?.contentHash, chunk.contentHash, 'the header holds the path, which is embedded too');
  });

  it('splits a symbol over the budget into parts that each repeat the header', async () => {
    const body = Array.from({ length: 120 }, (_, index) => `  const value${index} = compute(value${index - 1}, "label ${index}");`).join('\n');
    const source = `function huge(input) {\n${body}\n  return input;\n}\n`;
    const { chunks } = await chunkText('big.js', source);
    const parts = chunks.filter((chunk) => chunk.name === 'huge');
    assert.ok(parts.length > 2, `expected several parts, got ${parts.length}`);
    parts.forEach((part, index) => {
      assert.deepEqual(part.part, { index: index + 1, count: parts.length });
      assert.match(part.header, /^big\.js › function huge\(input\) \(part \d+\/\d+\)$/);
      assert.ok(estimateTokens(part.content) <= DEFAULT_MAX_TOKENS, `part ${index + 1} is within the budget`);
    });
    assert.equal(parts[0]?.startLine, 1);
    assert.equal(parts.at(-1)?.endLine, 123);
    for (let index = 1; index < parts.length; index++) {
      assert.equal(parts[index]?.startLine, (parts[index - 1]?.endLine ?? 0) + 1, 'parts are contiguous');
    }
  });

  it('gives nested functions of an oversized function their own chunks', async () => {
    const filler = Array.from({ length: 60 }, (_, index) => `  state.counter${index} = state.counter${index} + ${index};`).join('\n');
    const source = `function outer(state) {\n${filler}\n  function helper(x) {\n    return x * 2;\n  }\n  return helper(state);\n}\n`;
    const { chunks } = await chunkText('nest.js', source);
    const helper = chunks.find((chunk) => chunk.qualifiedName === 'outer.helper');
    assert.ok(helper, 'outer.helper is a chunk');
    assert.equal(helper.kind, 'function');
    assert.deepEqual([helper.startLine, helper.endLine], [62, 64]);
  });

  it('packs small module-level runs together up to the budget', async () => {
    const source = ['"use strict";', 'const a = require("a");', 'function f() {}', 'const b = 2;', 'function g() {}', 'module.exports = { f, g };'].join('\n');
    const modules = (await chunkText('m.js', source)).chunks.filter((chunk) => chunk.kind === 'module');
    assert.equal(modules.length, 1);
    assert.deepEqual([modules[0]?.startLine, modules[0]?.endLine], [1, 6]);
    assert.match(modules[0]?.content ?? '', /const b = 2;/);
    assert.doesNotMatch(modules[0]?.content ?? '', /function f/);
  });

  it('uses line windows for unknown file types', async () => {
    const text = Array.from({ length: 300 }, (_, index) => `line ${index} of some notes about the project`).join('\n');
    const result = await chunkText('docs/NOTES.txt', text);
    assert.equal(result.method, 'lines');
    assert.equal(result.language, 'text');
    assert.ok(result.chunks.length > 1);
    assert.ok(result.chunks.every((chunk) => chunk.kind === 'block'));
    assert.equal(result.chunks[0]?.startLine, 1);
    assert.equal(result.chunks.at(-1)?.endLine, 300);
  });

  it('falls back to line windows when most of a file does not parse', async () => {
    const garbage = Array.from({ length: 40 }, () => ')))) ((( ]]] }}} @@@ ### class class function ))').join('\n');
    const result = await chunkText('broken.ts', garbage);
    assert.equal(result.method, 'lines');
    assert.match(result.note ?? '', /syntax errors/);
    assert.ok(result.chunks.length > 0);
  });

  it('still extracts symbols from a file with a small syntax error', async () => {
    const result = await chunkText('typo.py', 'def ok():\n    return 1\n\ndef broken(:\n    pass\n\ndef fine():\n    return 2\n');
    assert.equal(result.method, 'symbols');
    assert.ok(result.chunks.some((chunk) => chunk.qualifiedName === 'fine'));
  });

  it('handles CRLF line endings, non-ASCII text and an empty file', async () => {
    const crlf = await chunkText('w.go', 'package w\r\n\r\n// Héllo 日本 😀\r\nfunc Greet() string {\r\n\treturn "こんにちは"\r\n}\r\n');
    const greet = crlf.chunks.find((chunk) => chunk.name === 'Greet');
    assert.deepEqual([greet?.startLine, greet?.endLine, greet?.signature], [3, 6, 'func Greet() string']);
    assert.doesNotMatch(greet?.content ?? '', /\r/);
    assert.deepEqual((await chunkText('empty.rs', '')).chunks, []);
  });
});
