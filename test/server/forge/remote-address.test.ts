// Where a remote and its forge live, read from the remote's URL; the tokens of the
// configuration by host; settings that carry credentials refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MinionsError } from '../../../schemas/index.js';
import { loadForgeTokens, parseForgeTokens, tokenFor } from '../../../server/forge/forge-tokens.js';
import { mergePublishSettings } from '../../../server/forge/publisher.js';
import { checkPublishSettings, forgeLocation, parseRemote } from '../../../server/forge/remote-address.js';

describe('remote addresses and forges', () => {
  it('reads host, port and repository path from https, ssh and scp-like remotes; none from a path', () => {
    assert.deepEqual(parseRemote('https://github.com/octo/calc.git'), { scheme: 'https', host: 'github.com', port: '443', path: 'octo/calc' });
    assert.deepEqual(parseRemote('git@gitlab.com:group/sub/calc.git'), { scheme: 'ssh', host: 'gitlab.com', port: '22', path: 'group/sub/calc' });
    assert.deepEqual(parseRemote('ssh://git@Gitea.LAN:2222/octo/calc.git'), { scheme: 'ssh', host: 'gitea.lan', port: '2222', path: 'octo/calc' });
    assert.equal(parseRemote('/srv/git/calc.git'), undefined);
    assert.equal(parseRemote('file:///srv/git/calc.git'), undefined);
  });

  it('knows github.com and gitlab.com, derives each API, and needs the kind for any other host', () => {
    const at = (remote: string, settings: Record<string, string> = {}) => forgeLocation({ remote, ...settings }, parseRemote(remote));
    assert.deepEqual(at('git@github.com:octo/calc.git'), { kind: 'github', apiUrl: 'https://api.github.com', repository: 'octo/calc' });
    assert.deepEqual(at('https://gitlab.com/group/sub/calc.git'), { kind: 'gitlab', apiUrl: 'https://gitlab.com', repository: 'group/sub/calc' });
    assert.equal(at('https://ghe.example/octo/calc.git'), undefined);
    assert.deepEqual(at('https://ghe.example/octo/calc.git', { forge: 'github' }), { kind: 'github', apiUrl: 'https://ghe.example/api/v3', repository: 'octo/calc' });
    assert.deepEqual(at('http://gitea.lan:3000/octo/calc.git', { forge: 'gitea' }), { kind: 'gitea', apiUrl: 'http://gitea.lan:3000/api/v1', repository: 'octo/calc' });
    assert.deepEqual(at('/srv/calc.git', { forge: 'gitea', apiUrl: 'https://gitea.lan/api/v1/', repository: 'octo/calc' }), { kind: 'gitea', apiUrl: 'https://gitea.lan/api/v1', repository: 'octo/calc' });
    assert.equal(at('/srv/calc.git', { forge: 'gitea' }), undefined, 'a local path tells neither API nor repository');
  });

  it('finds the token of a host by host:port, host, the host behind api., then the general one', () => {
    const tokens = parseForgeTokens('github.com=gh-token, gitea.lan:3000=gitea-token ,GitLab.example=gl-token', 'fallback-token');
    assert.equal(tokenFor(tokens, 'api.github.com', '443'), 'gh-token');
    assert.equal(tokenFor(tokens, 'gitea.lan', '3000'), 'gitea-token');
    assert.equal(tokenFor(tokens, 'gitea.lan', '443'), 'fallback-token');
    assert.equal(tokenFor(tokens, 'gitlab.example', '443'), 'gl-token');
    assert.equal(tokenFor(parseForgeTokens(undefined, ' '), 'x', '1'), undefined);
    assert.equal(tokenFor(loadForgeTokens({ MINIONS_FORGE_TOKENS: 'h=t' }), 'h', '443'), 't');
    assert.throws(
      () => parseForgeTokens('github.com:gh-secret-value', undefined),
      (error: unknown) => error instanceof MinionsError && /not host=token/.test(error.message) && !error.message.includes('gh-secret-value'),
    );
  });

  it("lays a task's publish request over the repository's settings", () => {
    const configured = { remote: 'origin', labels: ['minions'], pullRequest: true };
    assert.equal(mergePublishSettings(configured, undefined), configured);
    assert.deepEqual(mergePublishSettings(configured, { pullRequest: false, labels: ['bug', 'minions'] }), { remote: 'origin', labels: ['minions', 'bug'], pullRequest: false });
  });

  it('refuses publish settings with credentials in a URL', () => {
    assert.throws(() => checkPublishSettings({ remote: 'https://me:tok@forge.example/o/r.git' }), /publish\.remote holds credentials; configure the token with MINIONS_FORGE_TOKENS/);
    assert.throws(() => checkPublishSettings({ remote: 'origin', apiUrl: 'https://me:tok@forge.example/api/v1' }), /publish\.apiUrl holds credentials/);
    assert.throws(() => checkPublishSettings({ remote: 'origin', apiUrl: 'not a url' }), /publish\.apiUrl is not a valid URL/);
    checkPublishSettings({ remote: 'git@github.com:octo/calc.git', apiUrl: 'https://api.github.com' });
  });
});
