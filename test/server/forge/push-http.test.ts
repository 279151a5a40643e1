// A push over git's smart HTTP (`git http-backend` behind a local server that requires the
// token), with the credentials the server's publisher configures through git's environment;
// a wrong token fails clearly without the token in the message; privacy mode refuses a
// remote or forge host that is not on the allow-list before any connection.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pushBranch, resolveRemote } from '../../../agent/workspace/push.js';
import { MinionsError } from '../../../schemas/index.js';
import { parseForgeTokens } from '../../../server/forge/forge-tokens.js';
import { createForgePublisher, type ForgePublisherOptions } from '../../../server/forge/publisher.js';
import { git, makeRepo, type FixtureRepo } from '../../agent/agent-fixtures.js';
import { startGitHttpServer, type GitHttpServer } from '../../support/git-http-server.js';

const token = 'ghp_pushtoken7f3a91';
const signal = new AbortController().signal;
const basic = (secret: string): string => `Basic ${Buffer.from(`x-access-token:${secret}`).toString('base64')}`;

function publisher(tokens: string, policy: ForgePublisherOptions['policy'] = { privacy: true, allowedHosts: [] }): ReturnType<typeof createForgePublisher> {
  return createForgePublisher({ lookup: async () => undefined, tokens: parseForgeTokens(tokens, undefined), policy });
}

describe('push over smart HTTP with a token from configuration', () => {
  let repo: FixtureRepo;
  let remotes: string;
  let server: GitHttpServer;
  let commit: string;
  before(async () => {
    repo = await makeRepo({ 'README.md': '# calc\n' });
    remotes = await mkdtemp(join(tmpdir(), 'minions-http-remotes-'));
    git(remotes, 'init', '--quiet', '--bare', '--initial-branch=main', join(remotes, 'calc.git'));
    git(repo.root, 'switch', '--quiet', '-c', 'minions/t1-http');
    git(repo.root, 'commit', '--quiet', '--allow-empty', '-m', 'work');
    commit = git(repo.root, 'rev-parse', 'HEAD');
    git(repo.root, 'switch', '--quiet', 'main');
    server = await startGitHttpServer(remotes, basic(token));
  });
  after(async () => {
    await server.close();
    await repo.dispose();
    await rm(remotes, { recursive: true, force: true });
  });

  it('pushes with the token of the host, passed to git through its environment', async () => {
    const url = `${server.url}/calc.git`;
    const access = publisher(`127.0.0.1=${token}`).pushAccess(url);
    assert.deepEqual(access, [[`http.${server.url}/.extraHeader`, `Authorization: ${basic(token)}`]]);
    const target = await resolveRemote(repo.root, url, signal);
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-http', commit, access, signal), { alreadyPresent: false });
    assert.equal(git(join(remotes, 'calc.git'), 'rev-parse', 'refs/heads/minions/t1-http'), commit);
    assert.deepEqual(await pushBranch(repo.root, target, 'minions/t1-http', commit, access, signal), { alreadyPresent: true });
    assert.ok(server.authorizations.length > 0 && server.authorizations.every((header) => header === basic(token)), 'every request carried the token');
  });

  it('fails clearly with a wrong token, and the token is not in the message', async () => {
    const wrong = 'ghp_wrongtoken0000';
    const url = `${server.url}/calc.git`;
    const access = publisher(`127.0.0.1=${wrong}`).pushAccess(url);
    const target = await resolveRemote(repo.root, url, signal);
    const error = await pushBranch(repo.root, target, 'minions/t2-denied', commit, access, signal).then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof MinionsError);
    assert.match(error.message, new RegExp(`^git push of minions/t2-denied at ${server.url.replace(/[.]/g, '\\.')}/calc\\.git failed: the remote refused the configured token \\(HTTP 401\\)`));
    for (const secret of [wrong, basic(wrong), Buffer.from(`x-access-token:${wrong}`).toString('base64')]) assert.ok(!error.message.includes(secret), `no credential in: ${error.message}`);
    assert.ok(server.authorizations.includes(basic(wrong)), 'the wrong token was sent, and refused');
  });

  it('in privacy mode, refuses a push remote or forge API off this machine unless allowed, before any connection', () => {
    const settings = { remote: 'https://forge.example.test/octo/calc.git', forge: 'gitea' as const };
    const strict = publisher(`forge.example.test=${token}`);
    assert.throws(() => strict.pushAccess(settings.remote), (error: unknown) => error instanceof MinionsError && /^Privacy mode: the push remote forge\.example\.test is not on this machine/.test(error.message) && !error.message.includes(token));
    assert.throws(() => strict.forge(settings, settings.remote), /Privacy mode: the forge API forge\.example\.test is not on this machine.*MINIONS_ALLOWED_HOSTS/);
    const allowed = publisher(`forge.example.test=${token}`, { privacy: true, allowedHosts: ['forge.example.test'] });
    assert.equal(allowed.pushAccess(settings.remote).length, 1);
    assert.equal(allowed.forge(settings, settings.remote)?.kind, 'gitea');
    const open = publisher('', { privacy: false, allowedHosts: [] });
    assert.deepEqual(open.pushAccess(settings.remote), [], 'no token configured for the host: none sent');
    assert.equal(open.forge({ remote: 'git@github.com:octo/calc.git' }, 'git@github.com:octo/calc.git')?.kind, 'github', 'github.com is recognised');
    assert.equal(open.forge({ remote: 'https://git.example/octo/calc.git' }, 'https://git.example/octo/calc.git'), undefined, 'an unknown forge opens no pull request unless asked');
    assert.throws(() => open.forge({ remote: 'https://git.example/o/c.git', pullRequest: true }, 'https://git.example/o/c.git'), /set publish\.forge/);
  });
});
