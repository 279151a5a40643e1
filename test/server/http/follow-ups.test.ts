// Follow-ups through the HTTP API with the product's composition: the real agent on real
// git, the scripted Ollama. A task, then a follow-up that edits again on the same branch.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { acquireLock } from '../../../platform/index.js';
import type { Task, TaskResult } from '../../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../../../server/agent-wiring.js';
import { loadConfig } from '../../../server/config.js';
import { publishServer } from '../../../server/server-file.js';
import { TaskStore } from '../../../server/http/tasks/task-store.js';
import type { App } from '../../../server/http/context.js';
import { calculatorFiles, git, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { runCli } from '../cli-run.js';
import { ServerFixture, taskEnded } from './server-fixture.js';

const fixAdd = { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] };
const addSubtract = {
  toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a * b;\n}\n', replace: '  return a * b;\n}\n\nexport function subtract(a, b) {\n  return a - b;\n}\n' } }],
};
const finish = (summary: string): { toolCalls: { name: string; arguments: { summary: string } }[] } => ({ toolCalls: [{ name: 'finish', arguments: { summary } }] });

async function submit(app: App, url: string, payload: object): Promise<{ statusCode: number; id: string; body: string }> {
  const response = await app.inject({ method: 'POST', url, payload });
  return { statusCode: response.statusCode, id: response.statusCode === 202 ? response.json<{ id: string }>().id : '', body: response.body };
}

async function errorOf(app: App, url: string, payload: object): Promise<{ statusCode: number; message: string }> {
  const response = await app.inject({ method: 'POST', url, payload });
  return { statusCode: response.statusCode, message: response.json<{ error: { message: string } }>().error.message };
}

describe('follow-ups through the API with the real agent', () => {
  it('continues on the branch from its last commit, keeps both results and links the runs both ways', async () => {
    const ollama = await startAgentOllama([fixAdd, finish('add() adds.')]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env) });
      await fixture.register(app, repo.root);

      // While the first run waits for its model, there is nothing to continue yet.
      let release = (): void => undefined;
      ollama.holdLoads(new Promise<void>((resolve) => (release = resolve)));
      const first = await submit(app, '/v1/tasks', { repo: repo.root, prompt: 'Fix add in src/math.js' });
      assert.equal(first.statusCode, 202, first.body);
      await ollama.waitForRequest('/api/generate');
      const early = await errorOf(app, `/v1/tasks/${first.id}/follow-ups`, { prompt: 'Also add subtract' });
      assert.equal(early.statusCode, 409);
      assert.match(early.message, /is running; follow it up once it has ended/);
      release();
      ollama.holdLoads(undefined);
      assert.equal((await taskEnded(app, first.id)).data.status, 'succeeded');
      const earlierResult = (await app.inject({ url: `/v1/tasks/${first.id}/result` })).json<TaskResult>();
      assert.deepEqual(earlierResult.summaries, ['add() adds.']);

      // The follow-up comes from the CLI, over HTTP on a real port.
      ollama.setChat([addSubtract, finish('subtract() added.')]);
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const cli = await runCli(['follow-up', first.id, 'Also add subtract(a, b)', 'to src/math.js', '--server', url, '--json'], repo.root);
      assert.equal(cli.code, 0, cli.stderr);
      const followUp = JSON.parse(cli.stdout) as { id: string; status: string; followUpOf: string };
      assert.equal(followUp.followUpOf, first.id);
      assert.equal((await taskEnded(app, followUp.id)).data.status, 'succeeded');

      const later = (await app.inject({ url: `/v1/tasks/${followUp.id}` })).json<Task>();
      const earlier = (await app.inject({ url: `/v1/tasks/${first.id}` })).json<Task>();
      assert.equal(later.followUpOf, first.id);
      assert.deepEqual(earlier.followUps, [followUp.id]);
      assert.deepEqual(earlier.result, earlierResult, "the earlier task's result is kept as it was");
      const result = later.result as TaskResult;
      assert.equal(result.branch, earlierResult.branch, 'the follow-up commits on the same branch');
      assert.equal(git(repo.root, 'rev-parse', `${result.commit ?? ''}^`), earlierResult.commit, 'on top of the earlier commit');
      assert.equal(git(repo.root, 'rev-parse', `refs/heads/${result.branch ?? ''}`), result.commit);
      assert.match(result.diff, /\+export function subtract/);
      assert.doesNotMatch(result.diff, /return a \+ b/, "the follow-up's diff is its own change only");
      assert.match(git(repo.root, 'show', `${result.branch ?? ''}:src/math.js`), /return a \+ b;[\s\S]*function subtract/);

      // The follow-up's first prompt holds the earlier prompt, its summary and its diff.
      const chats = ollama.requestsTo('/api/chat');
      const firstPrompt = JSON.stringify((chats.find((request) => JSON.stringify(request.body).includes('Also add subtract'))?.body as { messages: unknown[] }).messages);
      assert.match(firstPrompt, /Earlier run on this branch/);
      assert.match(firstPrompt, /Fix add in src\/math.js/);
      assert.match(firstPrompt, /add\(\) adds\./);
      assert.match(firstPrompt, /\+ {2}return a \+ b;/);

      const stale = await errorOf(app, `/v1/tasks/${first.id}/follow-ups`, { prompt: 'More' });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.message, new RegExp(`follow up on ${followUp.id} instead`));

      // A follow-up that commits nothing fails but leaves the branch (and its commits) in place.
      ollama.setChat([finish('Nothing to do.'), finish('Nothing to do.')]);
      const idle = await submit(app, `/v1/tasks/${followUp.id}/follow-ups`, { prompt: 'Check everything is fine' });
      assert.equal(idle.statusCode, 202, idle.body);
      assert.equal((await taskEnded(app, idle.id)).data.status, 'failed');
      assert.equal(git(repo.root, 'rev-parse', `refs/heads/${result.branch ?? ''}`), result.commit, 'the branch is kept');
      const nothing = await errorOf(app, `/v1/tasks/${idle.id}/follow-ups`, { prompt: 'More' });
      assert.equal(nothing.statusCode, 409);
      assert.match(nothing.message, /committed nothing/);
      assert.deepEqual((await app.inject({ url: `/v1/tasks/${followUp.id}` })).json<Task>().followUps, [idle.id]);
      // A branch moved since (a commit by hand) is not continued from a stale commit: the run fails, saying why.
      const tree = git(repo.root, 'rev-parse', `${result.commit ?? ''}^{tree}`);
      const byHand = git(repo.root, 'commit-tree', tree, '-p', result.commit ?? '', '-m', 'by hand');
      git(repo.root, 'update-ref', `refs/heads/${result.branch ?? ''}`, byHand);
      const moved = await submit(app, `/v1/tasks/${followUp.id}/follow-ups`, { prompt: 'More' });
      assert.equal(moved.statusCode, 202, moved.body);
      const movedEnd = await taskEnded(app, moved.id);
      assert.equal(movedEnd.data.status, 'failed');
      assert.match(movedEnd.data.error ?? '', /moved since the earlier run \(it points at [0-9a-f]{12}, not [0-9a-f]{12}\); follow up on the latest run/);
      assert.equal(git(repo.root, 'rev-parse', `refs/heads/${result.branch ?? ''}`), byHand, 'the branch is left as it was');
      // The links come from the logs: a store opened afresh (a restart) has them both ways.
      await app.minions.tasks.flush();
      const reopened = await TaskStore.open(join(fixture.dataDir, 'tasks'), { log: pino({ level: 'silent' }) });
      assert.deepEqual(reopened.get(first.id)?.followUps, [followUp.id]);
      assert.deepEqual(reopened.get(followUp.id)?.followUps, [idle.id, moved.id]);
      assert.equal(reopened.get(idle.id)?.followUpOf, followUp.id);
      await reopened.close();
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });

  it('answers 404 for an unknown task, 400 for a bad body and refuses continueFrom on POST /v1/tasks', async () => {
    const ollama = await startAgentOllama([]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env) });
      await fixture.register(app, repo.root);
      const unknown = await errorOf(app, '/v1/tasks/no-such-task/follow-ups', { prompt: 'More' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.message, /No task no-such-task/);
      assert.equal((await app.inject({ method: 'POST', url: '/v1/tasks/x/follow-ups', payload: { prompt: '' } })).statusCode, 400);
      assert.equal((await app.inject({ method: 'POST', url: '/v1/tasks/x/follow-ups', payload: { prompt: 'More', base: 'main' } })).statusCode, 400);
      const head = git(repo.root, 'rev-parse', 'HEAD');
      // The CLI finds the server of its data directory, and prints the server's refusal in one line.
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      const none = await runCli(['follow-up', 'no-such-task', 'More', '--data-dir', fixture.dataDir], repo.root);
      assert.equal(none.code, 1);
      assert.match(none.stderr, /No minions server runs on .*: start one with `minions serve`, or name one with --server URL\./);
      const lock = await acquireLock(join(fixture.dataDir, 'locks', 'server.lock'), { command: 'minions serve' });
      const published = await publishServer(fixture.dataDir, { url, token: false, embedder: 'default' });
      try {
        const missing = await runCli(['follow-up', 'no-such-task', 'More', '--data-dir', fixture.dataDir], repo.root);
        assert.equal(missing.code, 1);
        assert.match(missing.stderr, /^minions: No task no-such-task\.\n$/);
      } finally {
        await published.remove();
        await lock.release();
      }
      const usage = await runCli(['follow-up', 'only-an-id', '--server', url], repo.root);
      assert.equal(usage.code, 2);
      const forged = await errorOf(app, '/v1/tasks', { repo: repo.root, prompt: 'More', continueFrom: { task: 'x', branch: 'main', commit: head, prompt: 'p', diff: '', summaries: [] } });
      assert.equal(forged.statusCode, 400);
      assert.match(forged.message, /follow-ups/);
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });
});
