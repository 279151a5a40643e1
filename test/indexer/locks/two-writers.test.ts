import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as lancedb from '@lancedb/lancedb';
import { lazyEmbedder, openIndex, type CodeIndex } from '../../../indexer/index.js';
import { acquireLock } from '../../../platform/index.js';
import { MinionsError } from '../../../schemas/index.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

const childEntry = fileURLToPath(new URL('./index-child.ts', import.meta.url));
const files: Record<string, string> = {};
for (let file = 0; file < 40; file++) files[`src/part${file}.ts`] = `export function settleLedger${file}(entry: number): number {\n  return entry * ${file} + ${file % 7};\n}\n`;
const queries = ['settle ledger entry', 'part 7', 'return entry', 'ledger 12', 'number'];

interface Child {
  lines: object[];
  waiting: Promise<void>;
  exit: Promise<number | null>;
}

function startChild(root: string, dataDir: string): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', childEntry, root, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: object[] = [];
  let waited: () => void = () => undefined;
  const waiting = new Promise<void>((done) => (waited = done));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as { type: string };
    lines.push(event);
    if (event.type === 'lock-wait') waited();
  });
  const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { lines, waiting, exit };
}

async function answers(index: CodeIndex, root: string): Promise<string[]> {
  const handle = await index.repository(root);
  const all: string[] = [];
  for (const query of queries) {
    const { results } = await handle.query({ query, mode: 'hybrid', k: 5 });
    all.push(results.map((result) => `${result.path}:${result.startLine}`).join(' '));
  }
  return all;
}

describe('two processes indexing one repository', () => {
  let folder = '';
  let root = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-two-writers-'));
    root = await writeTree(join(folder, 'repo'), files);
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('take turns on the write lock: both wait for the holder, then index one after the other, with no duplicate rows', async () => {
    const dataDir = join(folder, 'data');
    const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    try {
      const handle = await index.repository(root);
      // This process holds the lock (as a server watching the repository would) while both children start.
      const held = await acquireLock(join(dataDir, 'locks', `${handle.id}.lock`), { command: 'the test holder' });
      const first = startChild(root, dataDir);
      const second = startChild(root, dataDir);
      const ended = Promise.all([first.exit, second.exit]).then(() => 'ended before waiting for the lock');
      assert.equal(await Promise.race([Promise.all([first.waiting, second.waiting]).then(() => 'both waiting'), ended]), 'both waiting');
      for (const child of [first, second]) assert.match(JSON.stringify(child.lines[0]), /the test holder/);
      await held.release();
      assert.deepEqual(await Promise.all([first.exit, second.exit]), [0, 0]);
      for (const child of [first, second]) assert.ok(child.lines.some((line) => (line as { type: string }).type === 'index-end'));

      const db = await lancedb.connect(join(dataDir, 'lancedb'));
      const chunks = (await (await db.openTable(`chunks_${handle.id}`)).query().select(['id']).toArray()) as { id: string }[];
      const manifest = (await (await db.openTable(`files_${handle.id}`)).query().select(['path']).toArray()) as { path: string }[];
      db.close();
      assert.equal(new Set(chunks.map((row) => row.id)).size, chunks.length, 'no duplicate chunk rows');
      assert.equal(new Set(manifest.map((row) => row.path)).size, manifest.length, 'no duplicate file rows');
      assert.equal(manifest.length, 40);

      const clean = await openIndex({ dataDir: join(folder, 'clean'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
      try {
        for await (const _event of (await clean.repository(root)).index()) void _event;
        assert.deepEqual(await answers(index, root), await answers(clean, root));
      } finally {
        await clean.close();
      }
    } finally {
      await index.close();
    }
  });

  it('refuses a writer that will not wait, naming the holder', async () => {
    const index = await openIndex({ dataDir: join(folder, 'refused'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    try {
      const handle = await index.repository(root);
      const held = await acquireLock(join(folder, 'refused', 'locks', `${handle.id}.lock`), { command: 'minions serve' });
      try {
        const run = handle.index();
        await assert.rejects(run.next(), (error: unknown) => error instanceof MinionsError && error.code === 'conflict' && /minions serve \(pid \d+ on .*, since /.test(error.message));
      } finally {
        await held.release();
      }
    } finally {
      await index.close();
    }
  });
});
