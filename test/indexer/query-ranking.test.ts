import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FILE_SYMBOLS } from '../../indexer/search/group-files.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

const entries = Array.from({ length: 60 }, (_unused, index) => `  total += ledger.entries[${index}].amount * rates.currency${index} // settle entry ${index} of the ledger`);
// One word found in a middle part only, so a text query ranks that part alone.
entries.splice(30, 0, '  // zebra crossing: entries past this point are audited');
const ledgerLines = (before: string[]): string => [...before, 'function settleLedger (ledger, rates) {', '  let total = 0', ...entries, '  return total', '}', 'module.exports = { settleLedger }', ''].join('\n');
const ledger = ledgerLines([]);

const files = {
  'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\nmodule.exports = { refundCharge }\n',
  'lib/ledger.js': ledger,
  'lib/payments.js': [
    'function refundPayment (payment) {\n  return refundCharge(payment.charge)\n}',
    'function refundInvoice (invoice) {\n  return invoice.payments.map(refundPayment)\n}',
    'function refundOrder (order) {\n  return order.invoices.map(refundInvoice)\n}',
    'function refundCart (cart) {\n  return cart.orders.map(refundOrder)\n}',
    'module.exports = { refundPayment, refundInvoice, refundOrder, refundCart }\n',
  ].join('\n'),
  'README.md': '# Refund charge\n\nThe readme: refund a charge with refundCharge. Refund charge, refund charge amount, refund charge again.\n',
  'CHANGELOG.md': '## 1.0.0\n\n- refund charge: refundCharge returns the charge amount\n',
};

describe('ranking rules through the query path', () => {
  let fixture: IndexFixture;
  let root = '';
  const embedder = new RecordingEmbedder();
  before(async () => {
    fixture = await IndexFixture.create();
    root = await fixture.repo('repo', files);
    await fixture.index(root, embedder);
  });
  after(() => fixture.dispose());

  it('ranks documentation below source in every mode unless the query asks for docs', async () => {
    for (const mode of ['text', 'vector', 'hybrid'] as const) {
      const results = await fixture.query({ repo: root, query: 'refund charge amount', mode, k: 10 }, embedder);
      const paths = results.map((result) => result.path);
      // A file absent from the answer ranks below every file in it.
      const rank = (path: string): number => (paths.includes(path) ? paths.indexOf(path) : paths.length);
      assert.equal(paths[0], 'lib/charge.js', mode);
      assert.ok(rank('README.md') > rank('lib/charge.js') && rank('CHANGELOG.md') > rank('lib/charge.js'), `${mode}: ${paths.join(', ')}`);
    }
    const asked = await fixture.query({ repo: root, query: 'refund charge readme', mode: 'text', k: 10 });
    assert.equal(asked[0]?.path, 'README.md');
  });

  it('folds the parts of a split symbol into one result with its whole range, signature snippet and part count', async () => {
    const results = await fixture.query({ repo: root, query: 'settle ledger entries amount currency rates', mode: 'hybrid', k: 10 }, embedder);
    const settle = results.filter((result) => result.symbol === 'settleLedger');
    assert.equal(settle.length, 1, 'one result for the symbol');
    const [result] = settle;
    assert.ok(result?.parts !== undefined && result.parts > 1, `parts: ${result?.parts}`);
    assert.equal(result.startLine, 1);
    assert.equal(result.endLine, 65);
    assert.match(result.snippet, /^function settleLedger \(ledger, rates\) \{/);
    const whole = results.filter((entry) => entry.parts === undefined);
    assert.ok(whole.every((entry) => !('parts' in entry)), 'a whole symbol carries no part count');
  });

  it('takes the whole span of a symbol whose first part was not ranked from the index, fresh after a live update', async () => {
    const [middle] = await fixture.query({ repo: root, query: 'zebra crossing audited', mode: 'text', k: 1 });
    assert.equal(middle?.symbol, 'settleLedger');
    assert.deepEqual([middle.startLine, middle.endLine], [1, 65]);
    assert.match(middle.snippet, /^function settleLedger \(ledger, rates\)\n/, 'the signature first');
    assert.match(middle.snippet, /zebra crossing|currency/, 'then the ranked part');
    await writeFile(join(root, 'lib/ledger.js'), ledgerLines(['// Ledger settlement.', '']));
    for await (const event of fixture.update(root, ['lib/ledger.js'], embedder)) void event;
    const [moved] = await fixture.query({ repo: root, query: 'zebra crossing audited', mode: 'text', k: 1 });
    assert.deepEqual([moved?.startLine, moved?.endLine], [3, 67], 'the spans of the new table version');
  });

  it('groups by file: each file once, scored by its best symbols, with them listed', async () => {
    const answer = await fixture.answer({ repo: root, query: 'refund', mode: 'text', k: 3, group: 'file' });
    const paths = answer.files?.map((file) => file.path) ?? [];
    assert.equal(paths.length, 3);
    assert.equal(new Set(paths).size, 3);
    assert.equal(paths[0], 'lib/payments.js', 'the file with several matching symbols first');
    const payments = answer.files?.[0];
    assert.ok(payments && payments.matches >= 4 && payments.symbols.length === FILE_SYMBOLS, JSON.stringify(payments));
    assert.ok(payments.symbols.every((symbol) => symbol.path === 'lib/payments.js'));
    assert.deepEqual(answer.results, answer.files?.flatMap((file) => file.symbols), 'results are the files\' symbols in file order');
    const plain = await fixture.answer({ repo: root, query: 'refund', mode: 'text', k: 3 });
    assert.equal(plain.files, undefined, 'no files without group file');
  });
});
