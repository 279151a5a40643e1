// Issue 14, data integrity 10: idle connections that never send a request must not exhaust
// the server's file descriptors before authentication. Connections are capped, and one
// that sends no headers is answered 408 and closed after the headers timeout.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../../server/http/context.js';
import { loadServeSettings } from '../../../server/cli/serve-command.js';
import { ServerFixture } from './server-fixture.js';

/** Opens a TCP connection that sends nothing, resolving once it is connected. */
async function idleSocket(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  // The server may close a connection past the cap before the client writes to it.
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** What the server sends on a socket until it closes it. */
async function received(socket: Socket): Promise<string> {
  let text = '';
  socket.on('data', (data: Buffer) => (text += data.toString('utf8')));
  if (!socket.closed) await once(socket, 'close');
  return text;
}

describe('connection limits', () => {
  let fixture: ServerFixture;
  let app: App;
  let port = 0;
  const cap = 8;
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build({ limits: { maxConnections: cap, headersTimeoutMs: 400, concurrency: 1 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  after(() => fixture.dispose());

  it('closes connections past the cap at once, drops idle ones after the headers timeout, then answers /healthz', async () => {
    const idle = await Promise.all(Array.from({ length: cap }, () => idleSocket(port)));
    const closedIdle = idle.map((socket) => received(socket));
    // Past the cap, a connection is closed without an answer.
    const extra = await idleSocket(port);
    assert.equal(await received(extra), '', 'a connection past the cap is closed at once');
    const early = await idleSocket(port);
    early.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal(await received(early), '', 'while idle connections fill the cap, no one is served, not even a health check');
    // The idle ones never sent headers: each gets a 408 and is closed.
    for (const text of await Promise.all(closedIdle)) assert.match(text, /^HTTP\/1\.1 408/);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
  });

  it('reads the cap and the headers timeout from the settings (256 connections, 10 s by default)', () => {
    assert.deepEqual(pick(loadServeSettings({}, {})), { maxConnections: 256, headersTimeoutMs: 10_000 });
    assert.deepEqual(pick(loadServeSettings({ MINIONS_MAX_CONNECTIONS: '64', MINIONS_HEADERS_TIMEOUT: '3' }, {})), { maxConnections: 64, headersTimeoutMs: 3000 });
    assert.deepEqual(pick(loadServeSettings({ MINIONS_MAX_CONNECTIONS: '64' }, { 'max-connections': '32' })), { maxConnections: 32, headersTimeoutMs: 10_000 });
    assert.throws(() => loadServeSettings({ MINIONS_MAX_CONNECTIONS: '0' }, {}), /The connection limit must be an integer from 1 to 100000/);
  });
});

function pick(settings: { maxConnections: number; headersTimeoutMs: number }): { maxConnections: number; headersTimeoutMs: number } {
  return { maxConnections: settings.maxConnections, headersTimeoutMs: settings.headersTimeoutMs };
}
