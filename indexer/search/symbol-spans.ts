import type { Table } from '@lancedb/lancedb';
import { symbolKey } from './fold-parts.js';

/** Where a split symbol lies as a whole, and its declaration line. */
export interface StoredSpan {
  startLine: number;
  endLine: number;
  signature: string;
}

interface SpanRow {
  path: string;
  qualified_name: string;
  part_count: number;
  start_line: number;
  end_line: number;
  signature: string;
}

/** Spans of a chunk table at one version; a table that changed since is read again. */
const cache = new WeakMap<Table, { version: number; spans: Promise<Map<string, StoredSpan>> }>();

/**
 * The whole span of every split symbol of a chunk table, by symbol key. Read with one
 * scan of the split rows and kept per table version: a filtered scan on every query
 * would cost as much as the text search itself (the table has no scalar index), while
 * a version check costs next to nothing. Live updates write a new version, so spans
 * never go stale.
 */
export async function storedSpans(table: Table): Promise<Map<string, StoredSpan>> {
  const version = await table.version();
  const cached = cache.get(table);
  if (cached && cached.version === version) return cached.spans;
  const spans = readSpans(table);
  cache.set(table, { version, spans });
  // A failed read is not kept: the next query tries again (and reports the damage itself).
  spans.catch(() => cache.delete(table));
  return spans;
}

async function readSpans(table: Table): Promise<Map<string, StoredSpan>> {
  const rows = (await table.query().where('part_count > 1').select(['path', 'qualified_name', 'part_count', 'start_line', 'end_line', 'signature']).toArray()) as SpanRow[];
  const spans = new Map<string, StoredSpan>();
  for (const row of rows) {
    const key = symbolKey(row);
    if (key === undefined) continue;
    const span = spans.get(key);
    if (span) {
      span.startLine = Math.min(span.startLine, row.start_line);
      span.endLine = Math.max(span.endLine, row.end_line);
    } else spans.set(key, { startLine: row.start_line, endLine: row.end_line, signature: row.signature });
  }
  return spans;
}
