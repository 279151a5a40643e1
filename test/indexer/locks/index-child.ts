// Test entry (not a test file): indexes a repository through a code index handle, as
// `minions index` does (waiting for the write lock), with the deterministic test
// embedder, and prints each event as one JSON line. Usage: index-child.ts <repo> <data-dir>.
import { lazyEmbedder, openIndex } from '../../../indexer/index.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

const [root, dataDir] = process.argv.slice(2);
if (root === undefined || dataDir === undefined) throw new Error('usage: index-child.ts <repo> <data-dir>');
const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()), owner: 'index-child' });
try {
  const handle = await index.repository(root);
  const lock = { waitMs: 60_000, pollMs: 20, onWait: (holder: object) => process.stdout.write(`${JSON.stringify({ type: 'lock-wait', holder })}\n`) };
  for await (const event of handle.index({ lock })) process.stdout.write(`${JSON.stringify(event)}\n`);
} finally {
  await index.close();
}
