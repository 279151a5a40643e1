import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { lazyEmbedder, openIndex } from '../../indexer/index.js';
import { acquireLock } from '../../platform/index.js';
import { main } from '../../server/index.js';
import { writeTree } from '../support/file-tree.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';

describe('minions index while another process writes the index', () => {
  let folder = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-lock-'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('says whom it waits for, and stops at Ctrl-C (exit 130) without writing', async () => {
    const repo = await writeTree(join(folder, 'repo'), { 'src/math.js': 'function addNumbers(a, b) {\n  return a + b;\n}\n' });
    const dataDir = join(folder, 'data');
    const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    const { id } = await index.repository(repo);
    await index.close();
    const held = await acquireLock(join(dataDir, 'locks', `${id}.lock`), { command: 'minions index (indexing the repository)' });
    try {
      const stderr = new PassThrough();
      let printed = '';
      const controller = new AbortController();
      stderr.on('data', (chunk: Buffer) => {
        printed += chunk.toString();
        if (printed.includes('Ctrl-C stops')) controller.abort();
      });
      const code = await main(['index', repo, '--data-dir', dataDir], { stdout: new PassThrough(), stderr, cwd: folder, env: {}, signal: controller.signal });
      assert.equal(code, 130);
      assert.match(printed, new RegExp(`minions: waiting for minions index \\(indexing the repository\\) \\(pid ${process.pid} on .*, since .*\\) to release the index \\(up to 10 min; Ctrl-C stops\\)`));
      const reopened = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
      assert.equal(await (await reopened.repository(repo)).meta(), undefined, 'nothing was written');
      await reopened.close();
    } finally {
      await held.release();
    }
  });
  it('index and watch do not wait for a watcher, which never lets go: they name it and exit 1', async () => {
    const repo = await writeTree(join(folder, 'watched'), { 'src/math.js': 'function addNumbers(a, b) {\n  return a + b;\n}\n' });
    const dataDir = join(folder, 'data-watched');
    const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    const { id, root } = await index.repository(repo);
    await index.close();
    const held = await acquireLock(join(dataDir, 'locks', `${id}.lock`), { command: `minions serve (watching ${root})` });
    try {
      const stderr = new PassThrough();
      let printed = '';
      stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
      for (const command of ['index', 'watch']) {
        printed = '';
        const code = await main([command, repo, '--data-dir', dataDir], { stdout: new PassThrough(), stderr, cwd: folder, env: {}, signal: new AbortController().signal });
        assert.equal(code, 1, command);
        assert.match(printed, new RegExp(`minions: .* is watched by minions serve \\(watching .*\\) \\(pid ${process.pid} on .*\\), which keeps its index up to date: .* To ${command} it here, stop that process first\\.`));
        assert.doesNotMatch(printed, /waiting for/);
      }
    } finally {
      await held.release();
    }
  });
});
