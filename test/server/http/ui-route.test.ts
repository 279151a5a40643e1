// The static route of the web UI: its page and assets with a strict Content-Security-Policy,
// open without the token (the page asks for it) while the API stays closed, and a page
// that says how to build the UI when the bundle is missing.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeTree } from '../../support/file-tree.js';
import { ServerFixture } from './server-fixture.js';

const token = 'route-token-1234';

describe('the web UI route', () => {
  it('serves the page and its assets with a strict CSP, without the token, and keeps the API behind it', async () => {
    const fixture = await ServerFixture.create();
    const uiDir = await writeTree(join(fixture.folder, 'ui'), { 'index.html': '<!doctype html><title>t</title>', 'app.js': 'export {};', 'styles.css': 'body{}', 'notes.txt': 'not served' });
    try {
      const app = await fixture.build({ uiDir, token });
      const page = await app.inject({ url: '/' });
      assert.equal(page.statusCode, 200);
      assert.match(page.headers['content-type'] as string, /^text\/html/);
      assert.match(page.headers['content-security-policy'] as string, /^default-src 'self';/);
      assert.match(page.headers['content-security-policy'] as string, /frame-ancestors 'none'/);
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['referrer-policy'], 'no-referrer');
      const script = await app.inject({ url: '/ui/app.js' });
      assert.equal(script.statusCode, 200);
      assert.match(script.headers['content-type'] as string, /^text\/javascript/);
      assert.equal((await app.inject({ url: '/ui/styles.css' })).headers['content-type'], 'text/css; charset=utf-8');
      const etag = script.headers.etag as string;
      assert.match(etag, /^"[\w-]{22}"$/);
      const again = await app.inject({ url: '/ui/app.js', headers: { 'if-none-match': etag } });
      assert.equal(again.statusCode, 304, 'an unchanged file is not sent again');
      assert.equal(again.body, '');
      for (const url of ['/ui/notes.txt', '/ui/missing.js', '/ui/%2e%2e%2fpackage.json', '/ui/index.html']) {
        assert.equal((await app.inject({ url })).statusCode, 404, url);
      }
      assert.equal((await app.inject({ url: '/ui/a/b.js' })).statusCode, 401, 'only the files of the folder are open');
      assert.equal((await app.inject({ url: '/v1/repositories' })).statusCode, 401);
      assert.equal((await app.inject({ url: '/v1/repositories', headers: { authorization: `Bearer ${token}` } })).statusCode, 200);
      const documented = (await app.inject({ url: '/docs/json', headers: { authorization: `Bearer ${token}` } })).json<{ paths: Record<string, unknown> }>();
      assert.ok(!('/' in documented.paths) && !('/ui/{file}' in documented.paths), 'the UI is not part of the API document');
    } finally {
      await fixture.dispose();
    }
  });

  it('says how to build the UI when there is no bundle', async () => {
    const fixture = await ServerFixture.create();
    const empty = await mkdtemp(join(tmpdir(), 'minions-no-ui-'));
    try {
      const app = await fixture.build({ uiDir: join(empty, 'ui') });
      const page = await app.inject({ url: '/' });
      assert.equal(page.statusCode, 404);
      assert.match(page.body, /The web UI is not built .*run npm run build/);
      assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    } finally {
      await fixture.dispose();
      await rm(empty, { recursive: true, force: true });
    }
  });
});
