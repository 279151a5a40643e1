// The forge clients against a local server speaking GitHub's, GitLab's and Gitea's
// documented pull-request API: create (with labels and draft), find by branch, and the
// error answers (401, 404, 422/409 "already exists"), never echoing the token.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ForgeClient } from '../../../agent/index.js';
import { MinionsError, type ForgeKind } from '../../../schemas/index.js';
import { createGiteaClient } from '../../../server/forge/gitea.js';
import { createGitHubClient } from '../../../server/forge/github.js';
import { createGitLabClient } from '../../../server/forge/gitlab.js';
import { startForgeApiServer, type ForgeApiServer } from '../../support/forge-api-server.js';

const token = 'forge-token-4b1d9c';
const signal = new AbortController().signal;

function client(server: ForgeApiServer, kind: ForgeKind, repository: string, withToken: string | null = token): ForgeClient {
  const apiUrl = kind === 'github' ? `${server.url}/github` : kind === 'gitlab' ? `${server.url}/gitlab` : `${server.url}/gitea/api/v1`;
  const context = { location: { kind, apiUrl, repository }, token: withToken ?? undefined };
  return kind === 'github' ? createGitHubClient(context) : kind === 'gitlab' ? createGitLabClient(context) : createGiteaClient(context);
}

async function refusal(promise: Promise<unknown>): Promise<MinionsError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  assert.ok(error instanceof MinionsError, `a MinionsError, not ${String(error)}`);
  assert.ok(!error.message.includes(token) && !error.message.includes('wrong-token'), `no token in "${error.message}"`);
  return error;
}

const draft = { head: 'minions/t1-fix-add', base: 'main', title: 'Fix add', body: '## What\nadd adds.', draft: false, labels: ['minions'] };

describe('forge clients', () => {
  let server: ForgeApiServer;
  before(async () => {
    server = await startForgeApiServer({ repositories: ['octo/calc', 'group/sub/calc', 'octo/private'], token, draftless: ['octo/private'] });
  });
  after(async () => {
    await server.close();
  });

  for (const [kind, repository] of [['github', 'octo/calc'], ['gitlab', 'group/sub/calc'], ['gitea', 'octo/calc']] as const) {
    describe(kind, () => {
      it('opens a pull request with title, body and labels, then finds it by its branch', async () => {
        const forge = client(server, kind, repository);
        const opened = await forge.open(draft, signal);
        assert.equal(opened.number, 1);
        assert.equal(opened.draft, false);
        assert.match(opened.url, /^https:\/\/\S+\/1$/);
        const [stored] = server.pulls(kind, repository);
        assert.deepEqual({ head: stored?.head, base: stored?.base, title: stored?.title, body: stored?.body, labels: stored?.labels }, { head: draft.head, base: 'main', title: 'Fix add', body: draft.body, labels: ['minions'] });
        assert.deepEqual(await forge.findByBranch(draft.head, signal), opened);
        assert.equal(await forge.findByBranch('minions/other', signal), undefined);
      });

      it(`refuses a second pull request for the branch as a conflict (${kind === 'github' ? 422 : 409} "already exists")`, async () => {
        const error = await refusal(client(server, kind, repository).open(draft, signal));
        assert.equal(error.code, 'conflict');
        assert.match(error.message, /already has a pull request for this branch \((422|409)/);
      });

      it('opens a draft when asked, in the forge\'s own way', async () => {
        const opened = await client(server, kind, repository).open({ ...draft, head: 'minions/t2-wip', title: 'WIP: Fix add', draft: true, labels: [] }, signal);
        assert.equal(opened.draft, true);
        const stored = server.pulls(kind, repository).find((pull) => pull.head === 'minions/t2-wip');
        assert.equal(stored?.draft, true);
        // GitHub has a draft flag; GitLab reads "Draft:" in the title, Gitea "WIP:".
        assert.equal(stored?.title, kind === 'gitlab' ? 'Draft: Fix add' : 'WIP: Fix add');
      });

      it('reports a wrong token as 401 without echoing it, and an unknown repository as 404', async () => {
        const unauthorized = await refusal(client(server, kind, repository, 'wrong-token').open(draft, signal));
        assert.equal(unauthorized.code, 'unauthorized');
        // Gitea's first call reads the label ids.
        assert.match(unauthorized.message, /refused to (open a (pull|merge) request|read the labels) \(401/);
        assert.match(unauthorized.message, /MINIONS_FORGE_TOKENS/);
        const none = await refusal(client(server, kind, repository, null).open(draft, signal));
        assert.match(none.message, /no token is configured for 127\.0\.0\.1:\d+/);
        const missing = await refusal(client(server, kind, kind === 'gitlab' ? 'group/nope' : 'octo/nope').open(draft, signal));
        assert.equal(missing.code, 'not-found');
        assert.match(missing.message, /has no repository (octo|group)\/nope, or the token cannot see it \(404/);
      });
    });
  }

  it('sends each forge its documented request: paths, token header and body fields', () => {
    const created = server.requests.filter((request) => request.method === 'POST' && /\/(pulls|merge_requests)$/.test(request.path) && request.headers.authorization !== 'token wrong-token');
    const github = created.find((request) => request.forge === 'github');
    assert.equal(github?.path, '/github/repos/octo/calc/pulls');
    assert.equal(github?.headers.authorization, `token ${token}`);
    assert.deepEqual(github?.body, { head: draft.head, base: 'main', title: 'Fix add', body: draft.body, draft: false });
    const gitlab = created.find((request) => request.forge === 'gitlab');
    assert.equal(gitlab?.path, '/gitlab/api/v4/projects/group%2Fsub%2Fcalc/merge_requests');
    assert.equal(gitlab?.headers['private-token'], token);
    assert.equal((gitlab?.body as Record<string, unknown>).source_branch, draft.head);
    const gitea = created.find((request) => request.forge === 'gitea');
    assert.equal(gitea?.path, '/gitea/api/v1/repos/octo/calc/pulls');
    assert.deepEqual((gitea?.body as Record<string, unknown>).labels, [1], 'Gitea takes label ids');
  });

  it('opens a plain pull request where GitHub has no drafts (422), its WIP title kept', async () => {
    const opened = await client(server, 'github', 'octo/private').open({ ...draft, title: 'WIP: Fix add', draft: true }, signal);
    assert.equal(opened.draft, false);
    assert.deepEqual(server.pulls('github', 'octo/private').map((pull) => [pull.title, pull.draft]), [['WIP: Fix add', false]]);
  });

  it('names an unreachable forge without the token', async () => {
    // A port nothing listens on: one just given up by a closed server.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    closed.close();
    await once(closed, 'close');
    const context = { location: { kind: 'gitea' as const, apiUrl: `http://127.0.0.1:${port}/api/v1`, repository: 'octo/calc' }, token };
    const error = await refusal(createGiteaClient(context).open(draft, signal));
    assert.match(error.message, /^Gitea at http:\/\/127\.0\.0\.1:\d+\/api\/v1 could not be reached to read the labels: .*ECONNREFUSED/);
  });
});
