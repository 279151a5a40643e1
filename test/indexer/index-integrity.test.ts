import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

const normal = {
  'src/billing.ts': 'export function refundCharge(chargeId: string): string {\n  return chargeId;\n}\n',
  'src/mailer.py': 'def send_invoice_email(address):\n    return address\n',
  'src/ledger.rs': 'pub fn settle_account(id: u32) -> u32 {\n    id\n}\n',
};

/** The attack of issue 14: 2,000 nested namespaces, with a marker in the innermost one. */
const deepCpp = `${'namespace a {\n'.repeat(2000)}int deepestMarkerValue() { return 1; }\n${'}\n'.repeat(2000)}`;

describe('indexRepository and hostile files', () => {
  let fixture: IndexFixture;
  let embedder: RecordingEmbedder;
  beforeEach(async () => {
    fixture = await IndexFixture.create();
    embedder = new RecordingEmbedder();
  });
  afterEach(() => fixture.dispose());

  it('indexes a repository holding 2,000 nested namespaces: every normal file, and the deep one as symbols and line windows', async () => {
    const root = await fixture.repo('repo', { ...normal, 'src/deep.cpp': deepCpp });
    const { summary } = await fixture.index(root, embedder);
    assert.equal(summary.files, 4);
    assert.equal(summary.skipped, 0);
    for (const [query, symbol] of [['refund charge', 'refundCharge'], ['send invoice email', 'send_invoice_email'], ['settle account', 'settle_account']]) {
      const results = await fixture.query({ repo: root, query: query as string, mode: 'text', k: 5 });
      assert.equal(results[0]?.symbol, symbol, `"${query}" finds ${symbol}`);
    }
    const deep = await fixture.query({ repo: root, query: 'deepestMarkerValue', mode: 'text', k: 5 });
    assert.equal(deep[0]?.path, 'src/deep.cpp', 'the innermost code is searchable');
  });

  it('reports a file name that is not valid UTF-8 as skipped, with its reason', async () => {
    const root = await fixture.repo('repo', normal);
    await writeFile(Buffer.concat([Buffer.from(`${root}/src/`), Buffer.from([0x66, 0xff, 0x2e, 0x6a, 0x73])]), 'export const f = 1;\n');
    const { summary, events } = await fixture.index(root, embedder);
    assert.equal(summary.files, 3);
    assert.equal(summary.skipped, 1);
    const skipped = events.filter((event) => event.type === 'file-skipped');
    assert.deepEqual(skipped.map((event) => event.type === 'file-skipped' && [event.path, event.reason]), [['src/f\uFFFD.js', 'invalid-name']]);
  });

  it('keeps the first chunks of a file over the per-file cap, and names the reason', async () => {
    const many = Array.from({ length: 8 }, (_, index) => `function handler${index}Unique() { return ${index}; }\n\n`).join('');
    const root = await fixture.repo('repo', { ...normal, 'src/many.js': many });
    const { summary, events } = await fixture.index(root, embedder, { chunk: { maxChunks: 5 } });
    const skipped = events.filter((event) => event.type === 'file-skipped');
    assert.equal(skipped.length, 1);
    const [event] = skipped;
    assert.ok(event?.type === 'file-skipped');
    assert.equal(event.path, 'src/many.js');
    assert.equal(event.reason, 'too-many-chunks');
    assert.match(event.detail, /^8 chunks, over the cap of 5: only the first 5 \(to line 9\) are kept$/);
    assert.equal(summary.files, 3, 'a capped file is counted with the skipped ones');
    assert.equal(summary.skipped, 1);
    assert.equal(summary.chunks, 3 + 5, 'one chunk per normal file, five of the capped one');
    const kept = await fixture.query({ repo: root, query: 'handler4Unique', mode: 'text', k: 3 });
    assert.equal(kept[0]?.symbol, 'handler4Unique', 'the kept chunks are searchable');
    const dropped = await fixture.query({ repo: root, query: 'handler6Unique', mode: 'text', k: 20 });
    assert.ok(!dropped.some((result) => result.symbol === 'handler6Unique'), 'chunks past the cap are not indexed');
  });
});
