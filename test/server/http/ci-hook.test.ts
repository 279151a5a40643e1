import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { HookAnswer, Task } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { maxLogExcerpt } from '../../../server/http/hooks/ci-tasks.js';
import { signBody } from '../../../server/http/hooks/signature.js';
import { ScriptedRunner } from '../../support/scripted-runner.js';
import { checkRunDelivery, workflowRunDelivery } from './github-deliveries.js';
import { ServerFixture, sampleFiles } from './server-fixture.js';

const run = promisify(execFile);
const secret = 'It is a secret to everybody';

async function git(root: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: root, env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
  return stdout.trim();
}

/** A repository with one commit and a GitHub remote; returns its root and the commit. */
async function gitRepository(fixture: ServerFixture, name: string, remote: string): Promise<{ root: string; commit: string }> {
  const root = await fixture.repo(name, sampleFiles);
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'add', '.');
  await git(root, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', 'first');
  await git(root, 'remote', 'add', 'origin', remote);
  return { root, commit: await git(root, 'rev-parse', 'HEAD') };
}

interface Delivery {
  payload: unknown;
  event?: string;
  signature?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Posts a delivery, signed with the secret unless the test gives another signature (null: none). */
function deliver(app: App, delivery: Delivery) {
  const body = Buffer.from(delivery.contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams({ payload: JSON.stringify(delivery.payload) }).toString() : JSON.stringify(delivery.payload));
  const headers: Record<string, string> = { 'content-type': delivery.contentType ?? 'application/json', ...delivery.headers };
  if (delivery.signature !== null) headers['x-hub-signature-256'] = delivery.signature ?? signBody(body, secret);
  if (delivery.event !== undefined) headers['x-github-event'] = delivery.event;
  return app.inject({ method: 'POST', url: '/v1/hooks/ci', headers, payload: body });
}

describe('POST /v1/hooks/ci', () => {
  let fixture: ServerFixture;
  let app: App;
  let widgets: { root: string; commit: string };
  const runner = new ScriptedRunner();
  const task = (id: string): Task => {
    const found = app.minions.tasks.get(id);
    assert.ok(found, `task ${id} exists`);
    return found;
  };

  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build({ runner, hooks: { secret, tasksPerHour: 100 }, token: 'bearer-token' });
    widgets = await gitRepository(fixture, 'widgets', 'https://github.com/acme/widgets.git');
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', headers: { authorization: 'Bearer bearer-token' }, payload: { path: widgets.root } });
    assert.equal(response.statusCode, 201, response.body);
    await app.minions.registry.idle();
  });
  after(() => fixture.dispose());

  it('refuses unsigned and wrongly signed deliveries with 401, without a bearer token asked, and queues nothing', async () => {
    const payload = { repository: widgets.root, commit: widgets.commit, check: 'lint' };
    const unsigned = await deliver(app, { payload, signature: null });
    assert.equal(unsigned.statusCode, 401);
    assert.match(unsigned.json<{ error: { message: string } }>().error.message, /not signed/);
    const wrongSecret = await deliver(app, { payload, signature: signBody(Buffer.from(JSON.stringify(payload)), 'another secret') });
    assert.equal(wrongSecret.statusCode, 401);
    const otherBody = await deliver(app, { payload, signature: signBody(Buffer.from(JSON.stringify({ ...payload, check: 'test' })), secret) });
    assert.equal(otherBody.statusCode, 401);
    const malformed = await deliver(app, { payload, signature: 'sha1=0123' });
    assert.equal(malformed.statusCode, 401);
    assert.equal(app.minions.tasks.list().length, 0);
  });

  it('turns a generic failure into a task at the commit, with the source and the end of the log in the prompt', async () => {
    const log = `${'noise\n'.repeat(3000)}FAIL test/math.test.js\n  expected 3, received 4\n`;
    const response = await deliver(app, { payload: { repository: widgets.root, commit: widgets.commit.slice(0, 10), check: 'unit tests', logExcerpt: log, url: 'https://ci.example/42' } });
    assert.equal(response.statusCode, 202, response.body);
    const answer = response.json<HookAnswer>();
    assert.equal(answer.status, 'queued');
    assert.equal(response.headers.location, `/v1/tasks/${answer.id}`);
    const request = task(answer.id ?? '').request;
    assert.equal(request.base, widgets.commit, 'the abbreviated commit is resolved');
    assert.equal(request.repo, widgets.root);
    assert.deepEqual({ ...request.source, logExcerpt: undefined }, { kind: 'ci', repository: widgets.root, commit: widgets.commit, check: 'unit tests', url: 'https://ci.example/42', logExcerpt: undefined });
    const excerpt = request.source?.logExcerpt ?? '';
    assert.ok(excerpt.length < maxLogExcerpt + 100 && excerpt.length > maxLogExcerpt, `bounded: ${excerpt.length}`);
    assert.match(excerpt, /^\[\.\.\. \d+ characters cut \.\.\.\]\n/);
    assert.ok(excerpt.endsWith('expected 3, received 4\n'));
    assert.match(request.prompt, /^Make the failing checks pass\./);
    assert.ok(request.prompt.includes(`"unit tests" failing on commit ${widgets.commit} (https://ci.example/42)`));
    assert.ok(request.prompt.includes('FAIL test/math.test.js'));
  });

  it('answers a repeated failure with the task created for it (200), by repository, commit and check', async () => {
    const payload = { repository: widgets.root, commit: widgets.commit, check: 'unit tests' };
    const first = await deliver(app, { payload });
    assert.equal(first.statusCode, 200, first.body);
    const answer = first.json<HookAnswer>();
    assert.equal(answer.status, 'duplicate');
    const again = await Promise.all([deliver(app, { payload: { ...payload, check: 'typecheck' } }), deliver(app, { payload: { ...payload, check: 'typecheck' } })]);
    assert.deepEqual(again.map((response) => response.statusCode).sort(), [200, 202], 'two deliveries at once make one task');
    assert.equal(again[0]?.json<HookAnswer>().id, again[1]?.json<HookAnswer>().id);
  });

  it('matches a GitHub workflow_run failure to the repository by its remote', async () => {
    const response = await deliver(app, { event: 'workflow_run', payload: workflowRunDelivery({ sha: widgets.commit }), headers: { 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' } });
    assert.equal(response.statusCode, 202, response.body);
    const request = task(response.json<HookAnswer>().id ?? '').request;
    assert.deepEqual(request.source, {
      kind: 'github-workflow-run',
      repository: 'acme/widgets',
      commit: widgets.commit,
      check: 'CI',
      url: 'https://github.com/acme/widgets/actions/runs/30433642',
      logExcerpt: 'Workflow "CI" failed on "Add the gear ratio".',
    });
    assert.equal(request.base, widgets.commit);
  });

  it('takes the excerpt of a GitHub check_run failure from its output', async () => {
    const output = { title: '2 tests failed', summary: 'math.test.js: addNumbers', text: 'AssertionError: expected 3, received 4', annotations_count: 1 };
    const response = await deliver(app, { event: 'check_run', payload: checkRunDelivery({ sha: widgets.commit, output }) });
    assert.equal(response.statusCode, 202, response.body);
    const source = task(response.json<HookAnswer>().id ?? '').request.source;
    assert.equal(source?.kind, 'github-check-run');
    assert.equal(source?.check, 'test (20.x)');
    assert.equal(source?.url, 'https://github.com/acme/widgets/runs/128620228');
    assert.equal(source?.logExcerpt, '2 tests failed\n\nmath.test.js: addNumbers\n\nAssertionError: expected 3, received 4');
  });

  it('reads a form-encoded GitHub delivery signed over its form body', async () => {
    const response = await deliver(app, { event: 'check_run', contentType: 'application/x-www-form-urlencoded', payload: checkRunDelivery({ sha: widgets.commit, name: 'lint' }) });
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(task(response.json<HookAnswer>().id ?? '').request.source?.check, 'lint');
  });

  it('ignores (202) other events, actions and conclusions, with the reason', async () => {
    const count = app.minions.tasks.list().length;
    const cases: [Delivery, RegExp][] = [
      [{ event: 'ping', payload: { zen: 'Design for failure.', hook_id: 1 } }, /event "ping" is not handled/],
      [{ event: 'check_run', payload: checkRunDelivery({ sha: widgets.commit, conclusion: 'success' }) }, /conclusion "success" is not "failure"/],
      [{ event: 'check_run', payload: checkRunDelivery({ sha: widgets.commit, action: 'created', conclusion: null }) }, /action "created" is not "completed"/],
      [{ event: 'workflow_run', payload: workflowRunDelivery({ sha: widgets.commit, action: 'requested', conclusion: null }) }, /action "requested"/],
      [{ event: 'workflow_run', payload: workflowRunDelivery({ sha: widgets.commit, conclusion: 'cancelled' }) }, /conclusion "cancelled"/],
    ];
    for (const [delivery, reason] of cases) {
      const response = await deliver(app, delivery);
      assert.equal(response.statusCode, 202, response.body);
      const answer = response.json<HookAnswer>();
      assert.equal(answer.status, 'ignored');
      assert.match(answer.reason ?? '', reason);
    }
    assert.equal(app.minions.tasks.list().length, count);
  });

  it('answers 404 for an unknown repository or commit and 400 for a malformed delivery', async () => {
    const unknown = await deliver(app, { payload: { repository: 'git@github.com:acme/gadgets.git', commit: widgets.commit, check: 'lint' } });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.json<{ error: { message: string } }>().error.message, /No registered repository has git@github.com:acme\/gadgets.git as a remote/);
    const commit = await deliver(app, { payload: { repository: 'git@github.com:ACME/widgets.git', commit: 'deadbeef'.repeat(5), check: 'lint' } });
    assert.equal(commit.statusCode, 404);
    assert.match(commit.json<{ error: { message: string } }>().error.message, /Commit deadbeef.* is not in the repository/);
    const unregistered = await deliver(app, { payload: { repository: '/nowhere/at/all', commit: widgets.commit, check: 'lint' } });
    assert.equal(unregistered.statusCode, 404);
    const typo = await deliver(app, { payload: { repository: widgets.root, commit: widgets.commit, check: 'lint', logExcerp: 'x' } });
    assert.equal(typo.statusCode, 400);
    const shape = await deliver(app, { event: 'check_run', payload: { action: 'completed' } });
    assert.equal(shape.statusCode, 400);
    assert.match(shape.json<{ error: { message: string } }>().error.message, /check_run delivery is not valid/);
    const long = checkRunDelivery({ sha: widgets.commit });
    (long['check_run'] as Record<string, unknown>)['html_url'] = `https://github.com/${'x'.repeat(3000)}`;
    assert.equal((await deliver(app, { event: 'check_run', payload: long })).statusCode, 400, 'nothing a task log could not read back');
  });

  it('counts the deliveries above by result in /metrics', async () => {
    const text = (await app.inject({ url: '/metrics', headers: { authorization: 'Bearer bearer-token' } })).body;
    const counted = Object.fromEntries([...text.matchAll(/^minions_hook_deliveries_total\{result="([^"]+)"\} (\d+)$/gm)].map(([, result, value]) => [result, Number(value)]));
    assert.deepEqual(counted, { unauthorized: 4, queued: 5, duplicate: 2, ignored: 5, 'not-found': 3, 'invalid-argument': 3 });
  });
});

describe('POST /v1/hooks/ci: settings, rate limit and restarts', () => {
  it('is off (404) without a secret, even for a signed delivery', async () => {
    const fixture = await ServerFixture.create();
    try {
      const app = await fixture.build({ runner: new ScriptedRunner() });
      const response = await deliver(app, { payload: { repository: '/x', commit: 'abcdef1', check: 'lint' } });
      assert.equal(response.statusCode, 404);
      assert.match(response.json<{ error: { message: string } }>().error.message, /MINIONS_HOOK_SECRET/);
    } finally {
      await fixture.dispose();
    }
  });

  it('limits the tasks per repository per hour (429, Retry-After) and keeps deduplicating after a restart', async () => {
    const fixture = await ServerFixture.create();
    try {
      const first = await fixture.build({ runner: new ScriptedRunner(), hooks: { secret, tasksPerHour: 2 } });
      const { root, commit } = await gitRepository(fixture, 'widgets', 'git@github.com:acme/widgets.git');
      await fixture.register(first, root);
      const failure = (check: string) => ({ event: 'check_run', payload: checkRunDelivery({ sha: commit, name: check }) });
      const lint = await deliver(first, failure('lint'));
      assert.equal(lint.statusCode, 202, lint.body);
      assert.equal((await deliver(first, failure('test'))).statusCode, 202);
      const limited = await deliver(first, failure('build'));
      assert.equal(limited.statusCode, 429, limited.body);
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(retryAfter > 3500 && retryAfter <= 3600, `Retry-After ${retryAfter}`);
      assert.equal(limited.json<{ error: { code: string } }>().error.code, 'rate-limited');
      assert.equal(first.minions.tasks.list().length, 2, 'nothing queued over the limit');
      assert.equal((await deliver(first, failure('lint'))).statusCode, 200, 'a duplicate is not limited');
      await first.close();

      const second = await fixture.build({ runner: new ScriptedRunner(), hooks: { secret, tasksPerHour: 2 } });
      const again = await deliver(second, failure('lint'));
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json<HookAnswer>(), { status: 'duplicate', id: lint.json<HookAnswer>().id });
      assert.equal((await deliver(second, failure('build'))).statusCode, 429, 'the hour is counted from the task logs');
    } finally {
      await fixture.dispose();
    }
  });
});
