// Delivery to the forge end to end, with the product's composition: a repository
// registered with publish settings over the API, the real agent (createRunner with
// createPublisher) driven by the scripted Ollama, the branch pushed over git's smart HTTP
// (`git http-backend` requiring the token) and the pull request opened on a local server
// speaking GitHub's API. Tokens come from the environment only and reach no file.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Repository, TaskResult } from '../../../schemas/index.js';
import { createPublisher, createRunner, loadAgentSettings } from '../../../server/agent-wiring.js';
import { loadConfig } from '../../../server/config.js';
import { calculatorFiles, git, makeRepo, startAgentOllama, toolModel, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { startForgeApiServer, type ForgeApiServer } from '../../support/forge-api-server.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';
import type { ScriptedOllama } from '../../support/scripted-ollama.js';
import type { App } from '../../../server/http/context.js';
import { ServerFixture, taskEnded } from './server-fixture.js';

const pushToken = 'ghp_push0c7e5b2a';
const apiToken = 'ghp_api9d41f6e3';
const fixAdd = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] };
const finish = { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] };
const breakMultiply = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a * b;', replace: '  return a * b * 2;' } }] };

/** Every file under a folder, with its text. */
async function filesUnder(folder: string): Promise<{ path: string; text: string }[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => ({ path: join(entry.parentPath, entry.name), text: await readFile(join(entry.parentPath, entry.name), 'latin1') })));
}

describe('a task that publishes to the forge', () => {
  let ollama: ScriptedOllama;
  let repo: FixtureRepo;
  let remotes: string;
  let gitServer: GitHttpServer;
  let forge: ForgeApiServer;
  let fixture: ServerFixture;
  let app: App;
  before(async () => {
    ollama = await startAgentOllama();
    repo = await makeRepo(calculatorFiles);
    remotes = await mkdtemp(join(tmpdir(), 'minions-forge-remotes-'));
    git(remotes, 'init', '--quiet', '--bare', '--initial-branch=main', join(remotes, 'calc.git'));
    git(repo.root, 'push', '--quiet', join(remotes, 'calc.git'), 'main');
    gitServer = await startGitHttpServer(remotes, `Basic ${Buffer.from(`x-access-token:${pushToken}`).toString('base64')}`);
    forge = await startForgeApiServer({ repositories: ['octo/calc'], token: apiToken });
    fixture = await ServerFixture.create();
    const tokens = `${new URL(gitServer.url).host}=${pushToken},${new URL(forge.url).host}=${apiToken}`;
    const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH, MINIONS_FORGE_TOKENS: tokens };
    const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
    app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env, createPublisher(config, env)) });
  });
  after(async () => {
    await fixture.dispose();
    await forge.close();
    await gitServer.close();
    await ollama.close();
    await repo.dispose();
    await rm(remotes, { recursive: true, force: true });
  });

  async function register(publish: Record<string, unknown> | null): Promise<Repository> {
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: repo.root, publish } });
    assert.ok(response.statusCode === 200 || response.statusCode === 201, response.body);
    await app.minions.registry.idle();
    return response.json<Repository>();
  }

  async function runTask(payload: Record<string, unknown>): Promise<{ id: string; result: TaskResult }> {
    const created = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: repo.root, ...payload } });
    assert.equal(created.statusCode, 202, created.body);
    const { id } = created.json<{ id: string }>();
    const end = await taskEnded(app, id);
    assert.ok(end.data.result, JSON.stringify(end.data));
    return { id, result: end.data.result };
  }

  it('pushes the branch and opens a pull request with the title, body and labels; the token is in no file', async () => {
    const registered = await register({ remote: `${gitServer.url}/calc.git`, forge: 'github', apiUrl: `${forge.url}/github`, repository: 'octo/calc', labels: ['minions'] });
    assert.equal(registered.publish?.repository, 'octo/calc');
    ollama.setChat([fixAdd, finish]);
    const { id, result } = await runTask({ prompt: 'Fix add in src/math.js', publish: { labels: ['bug'] } });
    assert.equal(result.outcome, 'succeeded', result.reason);
    assert.equal(result.publication?.error, undefined);
    assert.deepEqual(result.publication?.push, { remote: `${gitServer.url}/calc.git`, branch: result.branch, commit: result.commit, alreadyPresent: false });
    assert.deepEqual(result.publication?.pullRequest, { forge: 'github', url: 'https://github.example/octo/calc/pull/1', number: 1, draft: false, created: true });
    assert.equal(git(join(remotes, 'calc.git'), 'rev-parse', `refs/heads/${result.branch ?? ''}`), result.commit);
    const [pull] = forge.pulls('github', 'octo/calc');
    assert.deepEqual({ head: pull?.head, base: pull?.base, title: pull?.title, body: pull?.body, draft: pull?.draft, labels: pull?.labels }, { head: result.branch, base: 'main', title: result.prTitle, body: result.prBody, draft: false, labels: ['minions', 'bug'] });
    const events = (await app.inject({ url: `/v1/tasks/${id}/events` })).body;
    assert.match(events, /^event: publish-push$/m);
    assert.match(events, /^event: publish-pull-request$/m);
    const files = await filesUnder(fixture.dataDir);
    assert.ok(files.some((file) => file.path.endsWith(`${id}.ndjson`) && file.text.includes('publish-pull-request')), 'the task log holds the publication');
    for (const file of files) for (const secret of [pushToken, apiToken]) assert.ok(!file.text.includes(secret), `${file.path} holds no token`);
  });

  it('opens a draft when the checks failed, and reports an open pull request for the branch as not created', async () => {
    ollama.setChat([breakMultiply, finish]);
    const { id, result } = await runTask({ prompt: 'Tidy multiply in src/math.js', maxFixRounds: 0 });
    assert.equal(result.outcome, 'failed', 'the checks decide the outcome');
    assert.ok(result.commit, 'committed for a human');
    assert.equal(result.publication?.pullRequest?.draft, true);
    assert.equal(result.publication?.pullRequest?.created, true);
    assert.match(forge.pulls('github', 'octo/calc').at(-1)?.title ?? '', /^WIP: /);
    // A follow-up commits on the same branch: the push fast-forwards it, the forge answers 422 "already exists".
    ollama.setChat([{ toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a * b * 2;', replace: '  return a * b;' } }] }, finish]);
    const followUp = await app.inject({ method: 'POST', url: `/v1/tasks/${id}/follow-ups`, payload: { prompt: 'Undo the doubling in multiply' } });
    assert.equal(followUp.statusCode, 202, followUp.body);
    const next = (await taskEnded(app, followUp.json<{ id: string }>().id)).data.result;
    assert.equal(next?.branch, result.branch);
    assert.deepEqual(next?.publication?.push, { remote: `${gitServer.url}/calc.git`, branch: result.branch, commit: next?.commit, alreadyPresent: false });
    assert.deepEqual(next?.publication?.pullRequest, { ...result.publication?.pullRequest, created: false });
    assert.equal(forge.requests.filter((request) => request.method === 'POST' && request.path.endsWith('/pulls')).length, 3, 'two created, one refused as existing');
  });

  it('keeps the commit and the outcome when publishing fails, and says why', async () => {
    await register({ remote: `${gitServer.url}/missing.git`, forge: 'github', apiUrl: `${forge.url}/github`, repository: 'octo/calc' });
    ollama.setChat([fixAdd, finish]);
    const { result } = await runTask({ prompt: 'Fix add in src/math.js' });
    assert.equal(result.outcome, 'succeeded');
    assert.ok(result.commit);
    assert.equal(result.publication?.push, undefined);
    assert.match(result.publication?.error ?? '', /^git push of minions\/\S+ at http:\/\/127\.0\.0\.1:\d+\/missing\.git failed/);
  });

  it('in privacy mode, refuses a forge off this machine before any connection', async () => {
    await register({ remote: 'https://forge.example.test/octo/calc.git', forge: 'gitea' });
    const before = forge.requests.length + gitServer.authorizations.length;
    ollama.setChat([fixAdd, finish]);
    const { result } = await runTask({ prompt: 'Fix add in src/math.js' });
    assert.equal(result.outcome, 'succeeded');
    assert.match(result.publication?.error ?? '', /^Privacy mode: the push remote forge\.example\.test is not on this machine/);
    assert.equal(forge.requests.length + gitServer.authorizations.length, before);
  });

  it('skips publishing when the task turns it off, and refuses credentials in the settings', async () => {
    await register({ remote: `${gitServer.url}/calc.git`, forge: 'github', apiUrl: `${forge.url}/github`, repository: 'octo/calc' });
    ollama.setChat([fixAdd, finish]);
    const { result } = await runTask({ prompt: 'Fix add in src/math.js', publish: { push: false } });
    assert.equal(result.publication, undefined);
    const refused = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: repo.root, publish: { remote: `https://me:${pushToken}@forge.example.test/o/r.git` } } });
    assert.equal(refused.statusCode, 400);
    assert.ok(!refused.body.includes(pushToken));
    assert.equal((await register(null)).publish, undefined, 'null removes the settings');
  });
});
