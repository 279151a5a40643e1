import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadServeSettings } from '../../../server/cli/serve-command.js';
import { normalizeRemote } from '../../../server/http/hooks/remotes.js';
import { signBody, verifySignature } from '../../../server/http/hooks/signature.js';

describe('CI hook parts', () => {
  it('normalizes remote URLs of every form to host/path', () => {
    const same = [
      'https://github.com/Acme/Widgets.git',
      'https://user:token@github.com/acme/widgets',
      'git@github.com:acme/widgets.git',
      'ssh://git@github.com:22/acme/widgets.git',
      'git://github.com/acme/widgets.git',
      'https://github.com/acme/widgets/',
    ];
    for (const url of same) assert.equal(normalizeRemote(url), 'github.com/acme/widgets', url);
    assert.equal(normalizeRemote('/srv/git/widgets.git'), '/srv/git/widgets');
    assert.equal(normalizeRemote('file:///srv/git/widgets.git'), '/srv/git/widgets');
    assert.equal(normalizeRemote('gitlab.example:group/sub/widgets'), 'gitlab.example/group/sub/widgets');
    for (const nothing of ['', 'widgets', 'https://', 'https://github.com/']) assert.equal(normalizeRemote(nothing), undefined, nothing);
  });

  it("verifies GitHub's signature over the exact bytes", () => {
    // The example of GitHub's documentation ("Validating webhook deliveries").
    const body = Buffer.from('Hello, World!');
    const signature = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    assert.equal(signBody(body, "It's a Secret to Everybody"), signature);
    assert.equal(verifySignature(body, signature, "It's a Secret to Everybody"), true);
    assert.equal(verifySignature(body, signature.toUpperCase().replace('SHA256', 'sha256'), "It's a Secret to Everybody"), true, 'hex in any case');
    assert.equal(verifySignature(Buffer.from('Hello, World! '), signature, "It's a Secret to Everybody"), false);
    assert.equal(verifySignature(body, signature, 'another secret'), false);
    for (const header of [undefined, '', 'sha256=', `sha1=${'0'.repeat(40)}`, `${signature}00`, signature.slice(0, -2)]) assert.equal(verifySignature(body, header, "It's a Secret to Everybody"), false, String(header));
  });

  it('reads the hook settings of minions serve from the environment', () => {
    const pick = (settings: ReturnType<typeof loadServeSettings>) => ({ secret: settings.hookSecret, perHour: settings.hookTasksPerHour });
    assert.deepEqual(pick(loadServeSettings({}, {})), { secret: undefined, perHour: 10 });
    assert.deepEqual(pick(loadServeSettings({ MINIONS_HOOK_SECRET: '', MINIONS_HOOK_TASKS_PER_HOUR: '0' }, {})), { secret: undefined, perHour: 0 });
    assert.deepEqual(pick(loadServeSettings({ MINIONS_HOOK_SECRET: 's3cret', MINIONS_HOOK_TASKS_PER_HOUR: '3' }, {})), { secret: 's3cret', perHour: 3 });
    assert.throws(() => loadServeSettings({ MINIONS_HOOK_TASKS_PER_HOUR: 'many' }, {}), /The hook rate must be an integer from 0 to 100000, not "many" \(MINIONS_HOOK_TASKS_PER_HOUR\)/);
  });
});
