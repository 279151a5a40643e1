import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnTable } from '../../../indexer/store/columns.js';
import { chunkSchema, fileSchema } from '../../../indexer/store/rows.js';
import { arrow } from '../../../indexer/store/arrow.js';

describe('column-built Arrow tables', () => {
  it('holds every value of manifest rows, in order', () => {
    const files = [
      { path: 'a.js', hash: 'h1', size: 12, mtime_ms: 1764567890123.5, chunks: 3, skipped: '' },
      { path: 'dir/ü.js', hash: 'h2', size: 0, mtime_ms: 0, chunks: 0, skipped: 'binary' },
    ];
    const table = columnTable(fileSchema, files);
    assert.equal(table.numRows, 2);
    assert.deepEqual(table.toArray().map((row) => ({ ...row.toJSON() })), files);
  });

  it('packs booleans as bits and vectors as one float buffer', () => {
    const schema = new arrow.Schema(chunkSchema(3).fields.filter((field) => ['id', 'is_secondary', 'embedded', 'vector'].includes(field.name)));
    const rows = Array.from({ length: 10 }, (_, index) => ({ id: `c${index}`, is_secondary: index % 3 === 0, embedded: index > 7, vector: [index, 0.5, -index] }));
    const table = columnTable(schema, rows);
    const back = table.toArray().map((row) => {
      const json = row.toJSON() as { id: string; is_secondary: boolean; embedded: boolean; vector: { toArray(): Float32Array } };
      return { ...json, vector: [...json.vector.toArray()] };
    });
    assert.deepEqual(back, rows);
    assert.throws(() => columnTable(schema, [{ id: 'x', is_secondary: false, embedded: false, vector: [1] }]), /vector of 1 values where the table holds 3/);
  });
});
