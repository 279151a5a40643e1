import assert from 'node:assert/strict';
import { readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import * as lancedb from '@lancedb/lancedb';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { IndexFixture } from './index-helpers.js';

const billing = {
  'src/billing.ts': [
    '/** Refunds a charge to the customer. */',
    'export function refundCharge(chargeId: string, amount: number): string {',
    '  return `refund ${chargeId} ${amount}`;',
    '}',
    '',
    'export class Ledger {',
    '  settle(account: string): number {',
    '    return account.length;',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/mailer.py': 'def send_invoice_email(address):\n    """Sends the invoice."""\n    return address\n',
  'test/billing.test.ts': 'import { refundCharge } from "../src/billing";\nexport function testRefundCharge() { return refundCharge("c", 1); }\n',
  'assets/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
  '.gitignore': 'build/\n',
  'build/out.js': 'function refundChargeCompiled() {}\n',
};

describe('indexRepository', () => {
  let fixture: IndexFixture;
  let embedder: RecordingEmbedder;
  beforeEach(async () => {
    fixture = await IndexFixture.create();
    embedder = new RecordingEmbedder();
  });
  afterEach(() => fixture.dispose());

  it('indexes source files, skips binaries and ignored files, and finds identifiers by their parts', async () => {
    const root = await fixture.repo('repo', billing);
    const { summary } = await fixture.index(root, embedder);
    assert.equal(summary.files, 4, 'billing.ts, mailer.py, billing.test.ts, .gitignore');
    assert.equal(summary.skipped, 1, 'logo.png is binary');
    assert.equal(summary.embedded, summary.chunks);
    for (const query of ['refund charge', 'refundCharge', 'refund_charge']) {
      const results = await fixture.query({ repo: root, query, mode: 'text', k: 5 });
      assert.equal(results[0]?.symbol, 'refundCharge', `"${query}" finds refundCharge first`);
      assert.equal(results[0]?.path, 'src/billing.ts');
      assert.deepEqual([results[0]?.startLine, results[0]?.endLine], [1, 4]);
    }
    const paths = (await fixture.query({ repo: root, query: 'refund charge compiled', mode: 'text', k: 20 })).map((result) => result.path);
    assert.ok(!paths.some((path) => path.startsWith('build/')), 'ignored files are not indexed');
  });

  it('re-indexing an unchanged repository reads, parses and embeds nothing', async () => {
    const root = await fixture.repo('repo', billing);
    const first = await fixture.index(root, embedder);
    const embeddedBefore = embedder.texts.length;
    const second = await fixture.index(root, embedder);
    assert.equal(embedder.texts.length, embeddedBefore, 'no text embedded');
    assert.equal(second.summary.changed, 0);
    assert.equal(second.summary.embedded, 0);
    assert.equal(second.summary.unchanged, first.summary.files + 1, 'every file, the skipped binary included, is unchanged');
    assert.equal(second.summary.chunks, first.summary.chunks);
    const scan = second.events.find((event) => event.type === 'scan-end');
    assert.equal(scan?.type === 'scan-end' ? scan.toProcess : -1, 0, 'no file is even read');
  });

  it('re-chunks a changed file and embeds only content never embedded before', async () => {
    const root = await fixture.repo('repo', billing);
    await fixture.index(root, embedder);
    const before = embedder.texts.length;
    const source = await readFile(join(root, 'src/billing.ts'), 'utf8');
    await writeFile(join(root, 'src/billing.ts'), source.replace('return account.length;', 'return account.length * 2;'));
    const { summary } = await fixture.index(root, embedder);
    const embeddedNow = embedder.texts.slice(before);
    assert.equal(summary.changed, 1);
    assert.ok(embeddedNow.length >= 1 && embeddedNow.length < summary.chunks, `embedded ${embeddedNow.length} of ${summary.chunks}`);
    assert.ok(embeddedNow.some((text) => text.includes('account.length * 2')), 'the changed method is embedded');
    assert.ok(!embeddedNow.some((text) => text.includes('refund ${chargeId}')), 'the unchanged function comes from the cache');
    assert.ok(summary.cached > 0);
    const results = await fixture.query({ repo: root, query: 'settle account', mode: 'text', k: 10 });
    const settles = results.filter((result) => result.symbol === 'Ledger.settle');
    assert.equal(settles.length, 1, 'the old version of the method is gone, and no chunk appears twice');
  });

  it('treats a file whose mtime changed but whose content did not as unchanged', async () => {
    const root = await fixture.repo('repo', billing);
    await fixture.index(root, embedder);
    const later = new Date(Date.now() + 60_000);
    await utimes(join(root, 'src/mailer.py'), later, later);
    const { summary } = await fixture.index(root, embedder);
    assert.equal(summary.changed, 0);
    assert.equal(summary.embedded, 0);
    const third = await fixture.index(root, embedder);
    const scan = third.events.find((event) => event.type === 'scan-end');
    assert.equal(scan?.type === 'scan-end' ? scan.toProcess : -1, 0, 'the new mtime was recorded');
  });

  it('removes deleted files from results', async () => {
    const root = await fixture.repo('repo', billing);
    await fixture.index(root, embedder);
    assert.equal((await fixture.query({ repo: root, query: 'send invoice email', mode: 'text', k: 5 }))[0]?.path, 'src/mailer.py');
    await rm(join(root, 'src/mailer.py'));
    const { summary } = await fixture.index(root, embedder);
    assert.equal(summary.deleted, 1);
    assert.equal(summary.files, 3);
    const results = await fixture.query({ repo: root, query: 'send invoice email', mode: 'text', k: 10 });
    assert.ok(!results.some((result) => result.path === 'src/mailer.py'));
    const vectors = await fixture.query({ repo: root, query: 'send invoice email', mode: 'vector', k: 10 }, embedder);
    assert.ok(!vectors.some((result) => result.path === 'src/mailer.py'));
  });

  it('shares the vector cache across repositories', async () => {
    const first = await fixture.repo('one', billing);
    const second = await fixture.repo('two', billing);
    const one = await fixture.index(first, embedder);
    const two = await fixture.index(second, embedder);
    assert.equal(one.summary.embedded, one.summary.chunks);
    assert.equal(two.summary.embedded, 0, 'identical content in another repository is not embedded again');
    assert.equal(two.summary.cached, two.summary.chunks);
  });

  it('rebuilds when the model changes, and says why', async () => {
    const root = await fixture.repo('repo', billing);
    await fixture.index(root, embedder);
    const other = new RecordingEmbedder('another-model', 32);
    const { summary, events } = await fixture.index(root, other);
    assert.match(summary.rebuilt ?? '', /embedding model changed \(test-bag-of-words -> another-model\)/);
    assert.ok(events.some((event) => event.type === 'index-rebuild'));
    assert.equal(other.texts.length, summary.chunks);
    const results = await fixture.query({ repo: root, query: 'refund charge', mode: 'vector', k: 3 }, other);
    assert.equal(results.length, 3);
  });

  it('rebuilds when the chunker version changes', async () => {
    const root = await fixture.repo('repo', billing);
    const { summary } = await fixture.index(root, embedder);
    const metaFile = join(fixture.metaFolder, `${summary.repositoryId}.json`);
    const meta = JSON.parse(await readFile(metaFile, 'utf8')) as { chunker: number };
    await writeFile(metaFile, JSON.stringify({ ...meta, chunker: 0 }));
    const again = await fixture.index(root, embedder);
    assert.match(again.summary.rebuilt ?? '', /the chunker changed \(version 0 -> \d+\)/);
    assert.equal(again.summary.changed, 4);
  });

  it('converges after an interrupted run, and the manifest never claims what the index lacks', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 30; index++) files[`src/module${index}.js`] = `function handler${index}(request) {\n  return request.value + ${index};\n}\n`;
    const root = await fixture.repo('repo', files);
    const controller = new AbortController();
    let batches = 0;
    await assert.rejects(
      fixture.index(root, embedder, {
        signal: controller.signal,
        batchChunks: 4,
        embedder: {
          ...embedder,
          modelId: embedder.modelId,
          dimension: embedder.dimension,
          close: () => embedder.close(),
          embed: async (texts, options) => {
            if (++batches === 3) controller.abort();
            return embedder.embed(texts, options);
          },
        },
      }),
      (error: Error) => error.name === 'AbortError',
    );
    const { summary } = await fixture.index(root, embedder);
    assert.equal(summary.files, 30);
    const tables = await fixture.store.repository(summary.repositoryId, embedder.dimension, false);
    const chunkPaths = new Set(((await tables.chunks.query().select(['path']).toArray()) as { path: string }[]).map((row) => row.path));
    const manifest = (await tables.files.query().toArray()) as { path: string; chunks: number }[];
    assert.equal(manifest.length, 30);
    for (const file of manifest) assert.ok(file.chunks === 0 || chunkPaths.has(file.path), `${file.path} is held`);
    assert.equal(await tables.chunks.countRows(), summary.chunks);
    assert.ok(summary.unchanged > 0 && summary.changed < 30, `files written before the interruption are not redone (${summary.changed} redone)`);
  });

  it('keeps table versions bounded across runs', async () => {
    const root = await fixture.repo('repo', billing);
    for (let run = 0; run < 4; run++) {
      await writeFile(join(root, 'src/extra.ts'), `export const value${run} = ${run};\n`);
      await fixture.index(root, embedder);
    }
    const { summary } = await fixture.index(root, embedder);
    const db = await lancedb.connect(fixture.lanceFolder);
    for (const name of [`chunks_${summary.repositoryId}`, `files_${summary.repositoryId}`]) {
      const versions = await (await db.openTable(name)).listVersions();
      assert.ok(versions.length <= 3, `${name} keeps ${versions.length} versions`);
    }
    db.close();
  });
});
