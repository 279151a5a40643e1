// POST /v1/context on a real index of a registered git repository: the sections, spans
// and token totals within the budget; the default budget; 400 for a bad body, 404 for an
// unregistered repository, 409 for one whose index could not be built.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contextBudget } from '../../../agent/index.js';
import type { ContextResponse } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { calculatorFiles, makeRepo, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { ServerFixture } from './server-fixture.js';

describe('POST /v1/context', () => {
  let fixture: ServerFixture;
  let repo: FixtureRepo;
  let app: App;
  before(async () => {
    fixture = await ServerFixture.create();
    repo = await makeRepo(calculatorFiles);
    app = await fixture.build({ numCtx: 8192 });
    await fixture.register(app, repo.root);
  });
  after(async () => {
    await fixture.dispose();
    await repo.dispose();
  });

  it("answers the agent's first prompt for the task, within the budget", async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: repo.root, task: 'Fix add in src/math.js: it subtracts', budget: 700 } });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json<ContextResponse>();
    assert.equal(body.budget, 700);
    assert.deepEqual(body.sections.map((section) => section.kind), ['task', 'rules', 'code', 'repository']);
    assert.deepEqual(body.sections.find((section) => section.kind === 'code')?.spans[0], { path: 'src/math.js', startLine: 1, endLine: 7 });
    assert.ok(body.tokens > 0 && body.tokens <= 700);
    assert.ok(body.sections.reduce((sum, section) => sum + section.tokens, 0) <= 700);
    assert.match(body.sections.at(-1)?.text ?? '', /^# Repository\n5 tracked files\. Top level: AGENTS\.md, docs\/, package\.json, src\/, test\/$/);
  });

  it("defaults to the agent's budget for the server's num_ctx", async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: repo.root, task: 'Fix add' } });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json<ContextResponse>().budget, contextBudget(8192));
  });

  it('answers 400 for a bad body, 404 for an unregistered repository, 409 before an index exists', async () => {
    const typo = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: repo.root, task: 'x', budgets: 1000 } });
    assert.equal(typo.statusCode, 400);
    const tiny = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: repo.root, task: 'x', budget: 10 } });
    assert.equal(tiny.statusCode, 400);
    const unknown = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: `${repo.root}-elsewhere`, task: 'x' } });
    assert.equal(unknown.statusCode, 404);
    const empty = await fixture.repo('empty', {});
    await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path: empty } });
    await app.minions.registry.idle();
    const early = await app.inject({ method: 'POST', url: '/v1/context', payload: { repo: empty, task: 'x' } });
    assert.equal(early.statusCode, 409);
    assert.match(early.json<{ error: { message: string } }>().error.message, /has no context to show yet: its indexing failed/);
  });
});
