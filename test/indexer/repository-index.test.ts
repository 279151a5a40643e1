import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LanceStore, indexRepository, lazyEmbedder, openIndex, type CodeIndex, type IndexLog, type RepositoryIndex } from '../../indexer/index.js';
import { MinionsError, type IndexSummary } from '../../schemas/index.js';
import { writeTree } from '../support/file-tree.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';

const files = {
  'lib/charge.js': 'function refundCharge (charge) {\n  return charge.amount\n}\nmodule.exports = { refundCharge }\n',
  'lib/invoice.py': 'def render_invoice(invoice):\n    return invoice.total\n',
};

/** Records what the index logs: table opens are observable, with real LanceDB underneath. */
class RecordingLog implements IndexLog {
  readonly messages: string[] = [];
  debug(_object: object, message: string): void {
    this.messages.push(message);
  }
  get tableOpens(): number {
    return this.messages.filter((message) => message === 'opened the index tables').length;
  }
}

async function drain(handle: RepositoryIndex, rebuild = false): Promise<IndexSummary> {
  const run = handle.index({ rebuild });
  for (let next = await run.next(); ; next = await run.next()) if (next.done) return next.value;
}

const isCode = (code: string, message?: RegExp) => (error: unknown) => error instanceof MinionsError && error.code === code && (message === undefined || message.test(error.message));

describe('a repository handle', () => {
  let folder = '';
  let root = '';
  let index: CodeIndex;
  const log = new RecordingLog();
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-handle-'));
    root = await writeTree(join(folder, 'repo'), files);
    index = await openIndex({ dataDir: join(folder, 'data'), embedder: lazyEmbedder(async () => new RecordingEmbedder()), log });
  });
  after(async () => {
    await index.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('is one handle per repository, whatever path names it', async () => {
    const handle = await index.repository(root);
    assert.equal(await index.repository(join(root, 'lib', '..')), handle);
    assert.match(handle.id, /^[0-9a-f]{16}$/);
    await assert.rejects(index.repository(join(root, 'missing')), isCode('not-found'));
    await assert.rejects(index.repository(join(root, 'lib', 'charge.js')), isCode('invalid-argument'));
  });

  it('says which command builds a missing index', async () => {
    const handle = await index.repository(root);
    await assert.rejects(handle.query({ query: 'refund', mode: 'text' }), isCode('index-missing', /minions index .*repo/));
  });

  it('opens its tables once across many queries, sees later writes, and opens them again after a rebuild', async () => {
    const handle = await index.repository(root);
    await drain(handle);
    for (const mode of ['text', 'vector', 'hybrid', undefined] as const) {
      const answer = await handle.query({ query: 'refund charge amount', ...(mode ? { mode } : {}) });
      assert.equal(answer.results[0]?.symbol, 'refundCharge', `${mode ?? 'default'} ranks the function first`);
      assert.equal(answer.mode, mode ?? 'hybrid');
    }
    assert.deepEqual(await handle.size(), { files: 2, chunks: (await handle.meta())?.chunks });
    assert.equal(log.tableOpens, 1);

    // Written through the handle, then by another connection (as another process would): the open tables see both.
    await writeFile(join(root, 'lib/ledger.go'), 'package ledger\n\nfunc SettleLedger(total int) int {\n\treturn total\n}\n');
    await drain(handle);
    assert.equal((await handle.query({ query: 'settle ledger', mode: 'text' })).results[0]?.symbol, 'SettleLedger');
    await writeFile(join(root, 'lib/refund.js'), 'function issueRefundVoucher () {}\n');
    const other = await LanceStore.open(join(folder, 'data', 'lancedb'));
    try {
      for await (const event of indexRepository(root, { store: other, embedder: new RecordingEmbedder(), metaFolder: join(folder, 'data', 'repositories') })) void event;
    } finally {
      other.close();
    }
    assert.equal((await handle.query({ query: 'issue refund voucher', mode: 'text' })).results[0]?.symbol, 'issueRefundVoucher');
    assert.equal(log.tableOpens, 1, 'no query opened the tables again');

    const rebuilt = await drain(handle, true);
    assert.equal(rebuilt.rebuilt, 'a rebuild was requested');
    for (let round = 0; round < 3; round++) assert.equal((await handle.query({ query: 'render invoice' })).results[0]?.symbol, 'render_invoice');
    assert.equal(log.tableOpens, 2, 'the rebuild replaced the tables, so they were opened once more');
  });

  it('answers a query without a mode by text when the index was built with another model, and refuses vector and hybrid', async () => {
    const otherModel = await openIndex({ dataDir: join(folder, 'data'), embedder: lazyEmbedder(async () => new RecordingEmbedder('other-model')) });
    try {
      const handle = await otherModel.repository(root);
      const answer = await handle.query({ query: 'refund charge amount' });
      assert.equal(answer.mode, 'text');
      assert.equal(answer.results[0]?.symbol, 'refundCharge');
      for (const mode of ['vector', 'hybrid'] as const) {
        await assert.rejects(handle.query({ query: 'refund', mode }), isCode('invalid-argument', /built with test-bag-of-words, not other-model/));
      }
    } finally {
      await otherModel.close();
    }
  });
});

describe('releasing the embedder', () => {
  it('closes the running embedder, starts a new one on the next use, and leaves queries working', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'minions-release-'));
    const started: RecordingEmbedder[] = [];
    const index = await openIndex({ dataDir: join(folder, 'data'), embedder: lazyEmbedder(async () => started[started.push(new RecordingEmbedder()) - 1]!) });
    try {
      const root = await writeTree(join(folder, 'repo'), files);
      const handle = await index.repository(root);
      await index.releaseEmbedder();
      assert.equal(started.length, 0, 'nothing started: nothing to close');
      await drain(handle);
      assert.equal(started.length, 1);
      await index.releaseEmbedder();
      assert.equal(started[0]!.closed, true);
      assert.equal((await handle.query({ query: 'refund charge amount', mode: 'hybrid', k: 1 })).results[0]?.symbol, 'refundCharge');
      assert.equal(started.length, 2, 'the query started a new embedder');
    } finally {
      await index.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
