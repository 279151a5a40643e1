// `minions repos` and `minions forget` against real indexes (LanceDB tables, records,
// locks) built in a temporary data directory, and the server's registry file.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lazyEmbedder, openIndex, type IndexedRepository } from '../../indexer/index.js';
import { acquireLock } from '../../platform/index.js';
import { readRegistry, writeRegistry } from '../../server/http/repositories/registry-file.js';
import { publishServer } from '../../server/server-file.js';
import { writeTree } from '../support/file-tree.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { runCli } from './cli-run.js';

const files = { 'src/math.js': 'function addNumbers(a, b) {\n  return a + b;\n}\nmodule.exports = { addNumbers };\n', 'src/text.js': 'function shout(text) {\n  return text.toUpperCase();\n}\n' };

describe('minions repos and minions forget', () => {
  let folder = '';
  let dataDir = '';
  const ids = new Map<string, string>();
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-repos-'));
    dataDir = join(folder, 'data');
    const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    for (const name of ['alpha', 'beta', 'gamma']) {
      const handle = await index.repository(await writeTree(join(folder, name), files));
      for await (const event of handle.index({})) void event;
      ids.set(name, handle.id);
    }
    await index.close();
  });
  after(() => rm(folder, { recursive: true, force: true }));

  const listed = async (): Promise<IndexedRepository[]> => {
    const { code, stdout } = await runCli(['repos', '--json', '--data-dir', dataDir], folder);
    assert.equal(code, 0);
    return (JSON.parse(stdout) as { repositories: IndexedRepository[] }).repositories;
  };

  it('lists every indexed repository with files, chunks, size on disk and when it was indexed', async () => {
    const repositories = await listed();
    assert.deepEqual(repositories.map((repository) => repository.root.split('/').at(-1)), ['alpha', 'beta', 'gamma']);
    for (const repository of repositories) {
      assert.equal(repository.files, 2);
      assert.ok(repository.chunks >= 2);
      assert.ok(repository.bytes > 0, 'the tables take room on disk');
      assert.ok(repository.present);
      assert.ok(Date.now() - Date.parse(repository.updatedAt) < 10 * 60_000);
    }
    const { stdout } = await runCli(['repos', '--data-dir', dataDir], folder);
    assert.match(stdout, new RegExp(`${ids.get('alpha') ?? '?'} +2 +\\d+ +[\\d.]+ [KM]?B .*alpha`));
    assert.match(stdout, /3 repositories/);
  });

  it('refuses while a writer holds the lock, then removes tables, record and lock, and the registry entry', async () => {
    const id = ids.get('alpha') ?? '';
    await writeRegistry(join(dataDir, 'server', 'repositories.json'), [{ id, root: join(folder, 'alpha'), path: join(folder, 'alpha'), registeredAt: new Date().toISOString() }]);
    const held = await acquireLock(join(dataDir, 'locks', `${id}.lock`), { command: 'minions watch (watching alpha)' });
    try {
      const refused = await runCli(['forget', 'alpha', '--data-dir', dataDir], folder);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /minions watch \(watching alpha\)/);
    } finally {
      await held.release();
    }
    assert.equal((await listed()).length, 3, 'nothing was removed');
    const { code, stdout } = await runCli(['forget', 'alpha', '--data-dir', dataDir], folder);
    assert.equal(code, 0, stdout);
    assert.match(stdout, new RegExp(`Forgot .*alpha \\(${id}\\): 2 tables, .* freed; removed from the server's registered repositories\\.`));
    assert.deepEqual((await listed()).map((repository) => repository.repositoryId).includes(id), false);
    const left = [...(await readdir(join(dataDir, 'lancedb'))), ...(await readdir(join(dataDir, 'repositories'))), ...(await readdir(join(dataDir, 'locks')))];
    assert.deepEqual(left.filter((name) => name.includes(id)), [], 'no table, record or lock of it is left');
    assert.deepEqual(await readRegistry(join(dataDir, 'server', 'repositories.json')), []);
  });

  it('forgets a repository whose folder is gone, by path or by id; an unknown one is not-found', async () => {
    await rm(join(folder, 'beta'), { recursive: true });
    const beta = (await listed()).find((repository) => repository.repositoryId === ids.get('beta'));
    assert.equal(beta?.present, false);
    const byPath = await runCli(['forget', join(folder, 'beta'), '--json', '--data-dir', dataDir], folder);
    assert.equal(byPath.code, 0, byPath.stderr);
    assert.equal((JSON.parse(byPath.stdout) as { repositoryId: string }).repositoryId, ids.get('beta'));
    const unknown = await runCli(['forget', join(folder, 'beta'), '--data-dir', dataDir], folder);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /Nothing is indexed for .*beta/);
  });

  it('leaves a repository the running server has registered to the API', async () => {
    const id = ids.get('gamma') ?? '';
    await writeRegistry(join(dataDir, 'server', 'repositories.json'), [{ id, root: join(folder, 'gamma'), path: join(folder, 'gamma'), registeredAt: new Date().toISOString() }]);
    const lock = await acquireLock(join(dataDir, 'locks', 'server.lock'), { command: 'minions serve' });
    const published = await publishServer(dataDir, { url: 'http://127.0.0.1:7337', token: false, embedder: 'default' });
    try {
      const refused = await runCli(['forget', id, '--data-dir', dataDir], folder);
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, new RegExp(`remove it through the API \\(curl -X DELETE http://127.0.0.1:7337/v1/repositories/${id}\\)`));
    } finally {
      await published.remove();
      await lock.release();
    }
    assert.equal((await listed()).length, 1);
    assert.ok(await stat(join(folder, 'gamma')).then(() => true));
  });
});
