// Test entry (not a test file): runs the product watcher over a repository with the
// deterministic test embedder and prints every event as one JSON line on stdout, so
// that the crash test can kill it at chosen moments. Usage: watch-child.ts <repo> <data-dir>.
import { join } from 'node:path';
import { LanceStore, watchRepository } from '../../../indexer/index.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

const [root, data] = process.argv.slice(2);
if (root === undefined || data === undefined) throw new Error('usage: watch-child.ts <repo> <data-dir>');
const controller = new AbortController();
process.once('SIGTERM', () => controller.abort());
const store = await LanceStore.open(join(data, 'lancedb'));
try {
  const events = watchRepository(root, { store, embedder: new RecordingEmbedder(), metaFolder: join(data, 'repositories'), signal: controller.signal });
  // Pipes are written synchronously on POSIX: once the parent reads a line, the child has gone past that point.
  for await (const event of events) process.stdout.write(`${JSON.stringify(event)}\n`);
} finally {
  store.close();
}
