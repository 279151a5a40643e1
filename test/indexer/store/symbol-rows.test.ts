import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { symbolTable, toSymbolRows, unpackReferences } from '../../../indexer/store/symbol-rows.js';

describe('symbol rows', () => {
  const graph = {
    definitions: [{ name: 'settle', kind: 'function', startLine: 1, endLine: 3, signature: 'function settle()' }],
    references: [
      { name: 'post', line: 2, text: 'post(ledger);' },
      { name: 'fee', line: 2, text: 'post(ledger);' },
      { name: 'post', line: 9, text: '' },
      { name: 'post', line: 12, text: "post('é\tx')" },
    ],
    imports: [{ specifier: './ledger', kind: 'module', line: 1 }],
  };

  it('packs the references of a file to one name into one row, and unpacks them in line order', () => {
    const rows = toSymbolRows('src/bank.js', 'javascript', graph);
    assert.deepEqual(rows.map((row) => [row.id, row.role, row.name]), [
      ['src/bank.js#0', 'definition', 'settle'],
      ['src/bank.js#1', 'reference', 'post'],
      ['src/bank.js#2', 'reference', 'fee'],
      ['src/bank.js#3', 'import', './ledger'],
    ]);
    const post = rows[1]!;
    assert.deepEqual([post.start_line, post.end_line], [2, 12]);
    assert.deepEqual(unpackReferences(post), [
      { line: 2, text: 'post(ledger);' },
      { line: 9, text: '' },
      { line: 12, text: "post('é\tx')" },
    ]);
  });

  it('reads a reference row written one reference a row', () => {
    assert.deepEqual(unpackReferences({ kind: 'reference', start_line: 7, text: 'post(x)' }), [{ line: 7, text: 'post(x)' }]);
  });

  it('builds the Arrow table with every column of every row', () => {
    const rows = toSymbolRows('src/bank.js', 'javascript', graph, 'example.com/bank');
    const table = symbolTable(rows);
    assert.equal(table.numRows, rows.length);
    assert.deepEqual(table.toArray().map((row) => ({ ...row.toJSON() })), rows);
  });
});
