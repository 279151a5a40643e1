import assert from 'node:assert/strict';
import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { TaskEvent } from '../../../schemas/index.js';
import { ScriptedRunner } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, sampleFiles } from './server-fixture.js';

/** A minimal Server-Sent Events client over node:http that records events and comments. */
class SseClient {
  readonly events: { id: string; event: string; data: TaskEvent }[] = [];
  readonly comments: string[] = [];
  readonly ended: Promise<void>;
  private buffer = '';
  private readonly checks = new Set<() => void>();

  private constructor(
    private readonly request: ClientRequest,
    readonly response: IncomingMessage,
  ) {
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.receive(chunk));
    this.ended = new Promise((resolve) => response.once('end', () => resolve()));
  }

  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve(new SseClient(request, response)));
      request.once('error', reject);
    });
  }

  /** Resolves once the recorded stream satisfies the predicate. */
  until(predicate: (client: SseClient) => boolean): Promise<void> {
    if (predicate(this)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (!predicate(this)) return;
        this.checks.delete(check);
        resolve();
      };
      this.checks.add(check);
    });
  }

  close(): void {
    this.request.destroy();
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) !== -1) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart());
      }
      const data = fields.get('data');
      if (data !== undefined) this.events.push({ id: fields.get('id') ?? '', event: fields.get('event') ?? 'message', data: JSON.parse(data) as TaskEvent });
    }
    for (const check of [...this.checks]) check();
  }
}

describe('task events over a real port', () => {
  it('replays, follows live with heartbeats, resumes after Last-Event-ID and ends after task-end', async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const app = await fixture.build({ runner, limits: { heartbeatMs: 20 } });
      const root = await fixture.repo('repo', sampleFiles);
      await fixture.register(app, root);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      const id = await createTask(app, root);
      await runner.started(1);
      const url = `http://127.0.0.1:${port}/v1/tasks/${id}/events`;

      const first = await SseClient.connect(url);
      assert.equal(first.response.statusCode, 200);
      assert.match(first.response.headers['content-type'] ?? '', /^text\/event-stream/);
      await first.until((client) => client.events.length === 3);
      assert.deepEqual(first.events.map((event) => [event.id, event.event]), [['1', 'task-queue'], ['2', 'task-start'], ['3', 'node-start']]);
      const toolCall = { node: 'implement', step: 1, tool: 'read_file', arguments: '{"path":"src/math.js"}', ok: true, durationMs: 2, result: 'export function add' };
      runner.emit(id, { type: 'tool-call', data: toolCall });
      await first.until((client) => client.events.length === 4);
      assert.deepEqual(first.events[3]?.data.data, toolCall);
      await first.until((client) => client.comments.includes('heartbeat'));
      first.close();

      runner.emit(id, { type: 'command-end', data: { node: 'check', command: 'npm test', exitCode: 0, signal: null, timedOut: false, durationMs: 40, output: 'ok' } });
      const resumed = await SseClient.connect(url, { 'last-event-id': '4' });
      await resumed.until((client) => client.events.length === 1);
      assert.deepEqual(resumed.events.map((event) => [event.id, event.event]), [['5', 'command-end']], 'only what the client missed');
      runner.finish(id);
      await resumed.ended;
      assert.deepEqual(resumed.events.map((event) => event.id), ['5', '6']);
      assert.equal(resumed.events[1]?.event, 'task-end');
      const end = resumed.events[1]?.data;
      assert.equal(end?.type === 'task-end' && end.data.status, 'succeeded');

      // With fetch: a finished task's whole log, then the end; nothing after the last id.
      const replay = await fetch(url);
      const text = await replay.text();
      assert.deepEqual([...text.matchAll(/^id: (\d+)$/gm)].map((match) => match[1]), ['1', '2', '3', '4', '5', '6']);
      const nothing = await (await fetch(url, { headers: { 'last-event-id': '6' } })).text();
      assert.equal(nothing, 'retry: 2000\n\n');
      assert.equal(app.minions.streams.size, 0, 'no stream is left open');
    } finally {
      await fixture.dispose();
    }
  });

  it('ends open streams when the server closes', async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const app = await fixture.build({ runner });
      const root = await fixture.repo('repo', sampleFiles);
      await fixture.register(app, root);
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      const id = await createTask(app, root);
      await runner.started(1);
      const client = await SseClient.connect(`http://127.0.0.1:${port}/v1/tasks/${id}/events`);
      await client.until((stream) => stream.events.length === 3);
      await app.close();
      await client.ended;
      assert.equal(client.events.at(-1)?.event, 'task-end');
      const end = client.events.at(-1)?.data;
      assert.equal(end?.type === 'task-end' && end.data.status, 'interrupted');
    } finally {
      await fixture.dispose();
    }
  });
});
