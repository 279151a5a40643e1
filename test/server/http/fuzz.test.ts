// Fuzzing the HTTP API through app.inject: 10,000 random or malformed requests across
// every route (methods, traversal paths, garbage and huge JSON, wrong content types,
// odd headers). No answer may be a 5xx, the process must not crash, no file outside
// the registered repository, the data directory and the installed packages may be
// opened (fs calls are observed), no answer may carry a sentinel file's content, and
// the heap must end near where it started. A seeded generator makes failures replayable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { after, before, describe, it } from 'node:test';
import type { App } from '../../../server/http/context.js';
import { ScriptedRunner, sampleResult } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, sampleFiles, taskEnded } from './server-fixture.js';

// The heap is compared after full collections, so garbage not yet collected (which varies
// with the machine's load) is not counted as growth; what a leak keeps alive still is.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
/** Heap in use after a full collection. */
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

const total = 10_000;
const sentinel = 'SENTINEL-OUTSIDE-c0ffee';

/** A small seeded generator (mulberry32). */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** Records the paths of every file opened for reading while `active`. */
function observeReads(): { paths: Set<string>; restore(): void } {
  const paths = new Set<string>();
  const promises = fs.promises as unknown as Record<string, (...args: unknown[]) => unknown>;
  const sync = fs as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved: [Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown][] = [];
  const wrap = (target: Record<string, (...args: unknown[]) => unknown>, name: string): void => {
    const original = target[name];
    if (typeof original !== 'function') return;
    saved.push([target, name, original]);
    target[name] = function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string' || args[0] instanceof URL) paths.add(resolve(String(args[0] instanceof URL ? args[0].pathname : args[0])));
      return original.apply(this, args);
    };
  };
  for (const name of ['readFile', 'open', 'opendir', 'readdir']) wrap(promises, name);
  for (const name of ['readFile', 'readFileSync', 'open', 'openSync', 'createReadStream', 'readdir', 'readdirSync']) wrap(sync, name);
  syncBuiltinESMExports();
  return {
    paths,
    restore() {
      for (const [target, name, original] of saved) target[name] = original;
      syncBuiltinESMExports();
    },
  };
}

describe('HTTP fuzz', () => {
  let fixture: ServerFixture;
  let app: App;
  let repo: string;
  let repoId: string;
  let taskId: string;

  before(async () => {
    fixture = await ServerFixture.create();
    await writeFile(join(fixture.folder, 'sentinel.txt'), `${sentinel}\n`);
    repo = await fixture.repo('repo', sampleFiles);
    app = await fixture.build({ runner: new ScriptedRunner({ auto: sampleResult() }), limits: { concurrency: 1, maxQueue: 20, ratePerSecond: 0 } });
    repoId = await fixture.register(app, repo);
    taskId = await createTask(app, repo);
    await taskEnded(app, taskId);
  });
  after(() => fixture.dispose());

  it(`answers ${total.toLocaleString('en')} random and malformed requests without a 5xx, a leak or a growing heap`, async () => {
    const next = random(20240607);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const outsidePath = join(fixture.folder, 'sentinel.txt');
    const ids = [repoId, taskId, '..%2f..%2fetc', '..%2F..%2F..%2Fetc%2Fpasswd', '../../etc/passwd', '%2e%2e%2f%2e%2e%2fsentinel.txt', encodeURIComponent(outsidePath), '%00', '%ff%fe', 'ü🙂', '9'.repeat(400), '-1', '1e309', 'null', '%', '%%32%65', '.', '..', 'a'.repeat(3000), '%5c..%5c..%5cetc'];
    const paths = [
      () => '/v1/repositories', () => `/v1/repositories/${pick(ids)}`, () => '/v1/query', () => '/v1/tasks', () => `/v1/tasks?status=${pick(ids)}&repo=${pick(ids)}`,
      () => `/v1/tasks/${pick(ids)}`, () => `/v1/tasks/${pick(ids)}/cancel`, () => `/v1/tasks/${pick(ids)}/events`, () => `/v1/tasks/${pick(ids)}/result`,
      () => '/healthz', () => '/metrics', () => '/docs/json', () => '/docs/static/..%2f..%2f..%2fpackage.json', () => `/docs/static/${pick(ids)}`,
      () => `/${pick(ids)}/${pick(ids)}`, () => `/v1/${pick(ids)}`, () => `//v1//tasks//${pick(ids)}`, () => `/v1/tasks/${taskId}/events?x=${pick(ids)}`,
    ];
    const values = (): unknown => pick([null, true, 0, -1, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 31, 'x', '', 'ü🙂\u0000\u202e', repo, outsidePath, '/etc/passwd', '../..', ' '.repeat(5000), [], {}, [1, [2, [3]]], { repo }, 'k'.repeat(100_000)]);
    const fields = ['repo', 'path', 'query', 'k', 'mode', 'filters', 'prompt', 'model', 'blueprint', 'base', 'maxFixRounds', 'allowProtectedPaths', 'languages', 'pathPrefix', '__proto__', 'constructor', 'extra'];
    const bodies = [
      () => JSON.stringify(Object.fromEntries(Array.from({ length: 1 + Math.floor(next() * 5) }, () => [pick(fields), values()]))),
      () => JSON.stringify({ repo, query: String(values()), k: pick([1, 5, 200, 201, 0, -3, 1.5, Number.POSITIVE_INFINITY, 2 ** 70, '5']), mode: pick(['hybrid', 'text', 'vector', 'x']) }),
      () => JSON.stringify({ repo: pick([repo, outsidePath, '/etc', `${repo}/../`, `${repo}/../sentinel.txt`]), prompt: 'do it' }),
      () => JSON.stringify({ path: pick([repo, outsidePath, '/', '/etc', '/proc/self', `${repo}/..`, 'relative']) }),
      () => '{"repo": ', () => '{'.repeat(3000) + '}'.repeat(3000), () => '[' .repeat(5000), () => '9'.repeat(5000), () => '{"k": 1e999999}', () => '\u0000\u0001\u0002',
      () => Buffer.from(Array.from({ length: 64 }, () => Math.floor(next() * 256))).toString('latin1'), () => '', () => 'x'.repeat(1024 * 1024 + 10), () => '"just a string"', () => 'null',
    ];
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', '', 'garbage/😀', undefined];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'GET', 'POST'] as const;

    const reads = observeReads();
    const statuses = new Map<number, number>();
    let heapStart = 0;
    try {
      for (let index = 0; index < total; index += 1) {
        if (index === 500) heapStart = liveHeap();
        const method = pick(methods);
        const headers: Record<string, string> = {};
        const contentType = pick(contentTypes);
        if (contentType !== undefined) headers['content-type'] = contentType;
        if (next() < 0.3) headers['last-event-id'] = String(pick(['0', '-1', '9'.repeat(50), 'abc', '1e5', 'ü', '%00']));
        if (next() < 0.1) headers.authorization = pick(['Bearer x', 'Basic abc', 'Bearer', '']);
        if (next() < 0.1) headers['x-forwarded-for'] = pick(['1.2.3.4', 'garbage', '::1']);
        if (next() < 0.1) headers.accept = pick(['text/event-stream', '*/*', 'application/xml']);
        const url = pick(paths)();
        const payload = method === 'GET' || method === 'HEAD' ? undefined : pick(bodies)();
        const response = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        assert.ok(response.statusCode < 500, `#${index} ${method} ${url.slice(0, 200)} -> ${response.statusCode} ${response.body.slice(0, 300)}`);
        assert.ok(!response.body.includes(sentinel) && !response.body.includes('root:x:0:0'), `#${index} ${method} ${url.slice(0, 200)} leaked a file outside the repository`);
      }
    } finally {
      reads.restore();
    }
    const allowed = [repo, fixture.folder, resolve('node_modules'), resolve('package.json')];
    const outside = [...reads.paths].filter((path) => !allowed.some((root) => path === root || path.startsWith(`${root}/`)));
    assert.deepEqual(outside, [], 'files opened outside the repository, the data directory and the installed packages');
    assert.ok(![...reads.paths].includes(outsidePath));
    const heapEnd = liveHeap();
    assert.ok(heapEnd - heapStart < 32 * 1024 * 1024, `heap grew by ${Math.round((heapEnd - heapStart) / 1024 / 1024)} MB`);
    assert.ok((statuses.get(200) ?? 0) > 100 && (statuses.get(400) ?? 0) > 100 && (statuses.get(404) ?? 0) > 100, JSON.stringify([...statuses]));
  });
});
