// Test entry (not a test file): runs one indexing pass of the product over a repository
// with the deterministic test embedder and prints every event as one JSON line on stdout.
// With --step it waits for a line on stdin after each event, so the crash test can kill
// it exactly there. Usage: index-child.ts <repo> <data-dir> [--step].
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LanceStore, indexRepository } from '../../indexer/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';

const [root, data, mode] = process.argv.slice(2);
if (root === undefined || data === undefined) throw new Error('usage: index-child.ts <repo> <data-dir> [--step]');
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const store = await LanceStore.open(join(data, 'lancedb'));
try {
  const events = indexRepository(root, { store, embedder: new RecordingEmbedder(), metaFolder: join(data, 'repositories'), batchChunks: 8 });
  for await (const event of events) {
    // Pipes are written synchronously on POSIX: once the parent reads a line, the child has gone past that point.
    process.stdout.write(`${JSON.stringify(event)}\n`);
    if (mode === '--step') await lines.next();
  }
} finally {
  store.close();
  process.stdin.destroy();
}
