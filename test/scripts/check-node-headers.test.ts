import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/check-node-headers.mjs', import.meta.url));

/** Runs the preinstall check with only the given variables (no proxy, nodedir or cache of this machine leaks in). */
function check(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [script], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

/** `npm install`'s preinstall: the Node headers tree-sitter's build needs, found, downloadable, or the advice. */
describe('scripts/check-node-headers.mjs', () => {
  let folder = '';
  let mirror: Server;
  let mirrorUrl = '';
  let closedUrl = '';
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-headers-'));
    mirror = createServer((request, response) => response.writeHead(request.url?.endsWith('-headers.tar.gz') ? 200 : 404).end());
    await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
    mirrorUrl = `http://127.0.0.1:${(mirror.address() as AddressInfo).port}`;
    // A port that was free a moment ago: connections to it are refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
  });
  after(async () => {
    await new Promise((resolve) => mirror.close(resolve));
    await rm(folder, { recursive: true, force: true });
  });

  it('fails with the advice when the headers are neither on disk nor downloadable', async () => {
    const result = await check({ HOME: folder, npm_config_disturl: closedUrl });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /needs the Node\.js [\d.]+ headers/);
    assert.match(result.stderr, /apt-get install libnode-dev/);
    assert.match(result.stderr, /npm config set nodedir \/usr/);
  });

  it('passes when nodedir or node-gyp\'s cache holds them, when they can be downloaded, or when told to skip', async () => {
    const nodedir = join(folder, 'node-headers');
    await mkdir(join(nodedir, 'include', 'node'), { recursive: true });
    await writeFile(join(nodedir, 'include', 'node', 'common.gypi'), '{}\n');
    const cache = join(folder, 'gyp-cache');
    await mkdir(join(cache, process.versions.node, 'include', 'node'), { recursive: true });
    await writeFile(join(cache, process.versions.node, 'include', 'node', 'common.gypi'), '{}\n');
    for (const env of [{ npm_config_nodedir: nodedir }, { npm_config_devdir: cache }, { npm_config_disturl: mirrorUrl }, { MINIONS_SKIP_HEADERS_CHECK: '1' }]) {
      const result = await check({ HOME: folder, npm_config_disturl: closedUrl, ...env });
      assert.deepEqual([result.code, result.stderr], [0, ''], JSON.stringify(env));
    }
  });
});
