import assert from 'node:assert/strict';
import { readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MinionsError } from '../../schemas/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

const files = {
  'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\nmodule.exports = { refundCharge }\n',
  'lib/invoice.py': 'def render_invoice(invoice):\n    return invoice.total\n',
  'lib/ledger.go': 'package ledger\n\nfunc SettleLedger(total int) int {\n\treturn total\n}\n',
  'test/charge.test.js': 'const { refundCharge } = require("../lib/charge")\nfunction refundChargeTest () {\n  return refundCharge({ amount: 1 })\n}\n',
};

const isCode = (code: string) => (error: unknown) => error instanceof MinionsError && error.code === code;

describe('queryRepository', () => {
  let fixture: IndexFixture;
  let root = '';
  const embedder = new RecordingEmbedder();
  before(async () => {
    fixture = await IndexFixture.create();
    root = await fixture.repo('repo', files);
    await fixture.index(root, embedder);
  });
  after(() => fixture.dispose());

  it('answers in the three modes with the contract shape and no duplicates', async () => {
    for (const mode of ['text', 'vector', 'hybrid'] as const) {
      const results = await fixture.query({ repo: root, query: 'refund charge amount', mode, k: 10 }, embedder);
      assert.ok(results.length > 0, `${mode} returns results`);
      assert.equal(results[0]?.symbol, 'refundCharge', `${mode} ranks the source function first`);
      assert.deepEqual(Object.keys(results[0] ?? {}).sort(), ['endLine', 'kind', 'language', 'path', 'score', 'snippet', 'startLine', 'symbol']);
      const keys = results.map((result) => `${result.path}:${result.startLine}-${result.endLine}`);
      assert.equal(new Set(keys).size, keys.length, `${mode} returns each chunk once`);
      for (let index = 1; index < results.length; index++) assert.ok((results[index - 1]?.score ?? 0) >= (results[index]?.score ?? 0), 'best first');
    }
  });

  it('ranks source above tests unless the query asks for tests', async () => {
    const plain = await fixture.query({ repo: root, query: 'refund charge', mode: 'text', k: 10 });
    assert.equal(plain[0]?.path, 'lib/charge.js');
    const asked = await fixture.query({ repo: root, query: 'refund charge test', mode: 'text', k: 10 });
    assert.equal(asked[0]?.path, 'test/charge.test.js');
  });

  it('filters by language and by path prefix', async () => {
    const python = await fixture.query({ repo: root, query: 'render invoice refund charge settle ledger', mode: 'hybrid', k: 10, filters: { languages: ['python'] } }, embedder);
    assert.ok(python.length > 0 && python.every((result) => result.language === 'python'));
    const underTest = await fixture.query({ repo: root, query: 'refund charge', mode: 'text', k: 10, filters: { pathPrefix: 'test/' } });
    assert.ok(underTest.length > 0 && underTest.every((result) => result.path.startsWith('test/')));
    const quoted = await fixture.query({ repo: root, query: 'refund', mode: 'text', k: 10, filters: { pathPrefix: "it's_%" } });
    assert.deepEqual(quoted, [], 'quotes and LIKE wildcards in a prefix are literal');
  });

  it('says which command builds a missing index, and refuses a missing or empty repository', async () => {
    const other = await fixture.repo('never-indexed', { 'a.js': 'function a() {}\n' });
    await assert.rejects(fixture.query({ repo: other, query: 'a', mode: 'text' }), (error: Error) => isCode('index-missing')(error) && /minions index /.test(error.message));
    await assert.rejects(fixture.query({ repo: join(root, 'nope'), query: 'a' }), isCode('not-found'));
    const empty = await fixture.repo('empty', { '.gitignore': '*\n' });
    await rm(join(empty, '.gitignore'));
    await assert.rejects(fixture.index(empty, embedder), (error: Error) => isCode('invalid-argument')(error) && /no files to index/.test(error.message));
  });

  it('refuses to mix embedding models', async () => {
    await assert.rejects(fixture.query({ repo: root, query: 'x', mode: 'vector' }, new RecordingEmbedder('other-model')), (error: Error) => /built with test-bag-of-words/.test(error.message));
  });
});

describe('a corrupted index', () => {
  it('is detected and reported with the rebuild command, never answered with nothing', async () => {
    const fixture = await IndexFixture.create();
    const embedder = new RecordingEmbedder();
    try {
      const root = await fixture.repo('repo', files);
      const { summary } = await fixture.index(root, embedder);
      const table = join(fixture.lanceFolder, `chunks_${summary.repositoryId}.lance`);
      for (const entry of await readdir(join(table, 'data'))) await writeFile(join(table, 'data', entry), 'garbage');
      await assert.rejects(fixture.query({ repo: root, query: 'refund charge', mode: 'text' }), (error: Error) => isCode('index-corrupt')(error) && /--rebuild/.test(error.message));
      await rm(table, { recursive: true });
      await assert.rejects(fixture.query({ repo: root, query: 'refund charge', mode: 'text' }), isCode('index-corrupt'));
      await writeFile(join(fixture.metaFolder, `${summary.repositoryId}.json`), '{ not json');
      await assert.rejects(fixture.query({ repo: root, query: 'refund charge', mode: 'text' }), isCode('index-corrupt'));
      const healed = await fixture.index(root, embedder);
      assert.equal(healed.summary.rebuilt, 'its record was damaged', 'indexing again heals a damaged record');
      const rebuilt = await fixture.index(root, embedder, { rebuild: true });
      assert.equal(rebuilt.summary.rebuilt, 'a rebuild was requested');
      assert.equal((await fixture.query({ repo: root, query: 'refund charge', mode: 'text' }))[0]?.symbol, 'refundCharge');
    } finally {
      await fixture.dispose();
    }
  });
});
