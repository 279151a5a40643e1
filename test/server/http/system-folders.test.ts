// Issue 14, item 11: system folders are refused as repositories by the path as given and
// by their real path (`/etc/ssh`, `/etc/ssl` and `/proc/self/cwd` were accepted).
import assert from 'node:assert/strict';
import { symlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ErrorEnvelope, RepositoryList } from '../../../schemas/index.js';
import type { App } from '../../../server/http/context.js';
import { ServerFixture } from './server-fixture.js';

describe('system folders', () => {
  let fixture: ServerFixture;
  let app: App;
  before(async () => {
    fixture = await ServerFixture.create();
    app = await fixture.build();
  });
  after(() => fixture.dispose());

  const refused = async (path: string): Promise<void> => {
    const response = await app.inject({ method: 'POST', url: '/v1/repositories', payload: { path } });
    assert.equal(response.statusCode, 400, path);
    const { error } = response.json<ErrorEnvelope>();
    assert.equal(error.code, 'invalid-argument', path);
    assert.match(error.message, /is a system or home folder, not a repository/, path);
  };

  it('refuses system folders and anything under them', async () => {
    for (const path of ['/', '/etc', '/etc/ssh', '/etc/ssl', '/etc/ssl/certs', '/proc', '/proc/self', '/proc/self/cwd', '/proc/1/root', '/sys', '/sys/kernel', '/dev', '/dev/shm', '/boot', '/usr', '/usr/share', '/usr/lib', '/var/lib', '/run']) {
      await refused(path);
    }
    await refused(homedir());
    await refused(join(homedir(), '.ssh'));
    assert.deepEqual((await app.inject({ url: '/v1/repositories' })).json<RepositoryList>().repositories, []);
  });

  it('refuses a symlink to a system folder by its real path', async () => {
    const link = join(fixture.folder, 'innocent');
    await symlink('/etc/ssh', link);
    await refused(link);
    const nested = join(fixture.folder, 'to-etc');
    await symlink('/etc', nested);
    await refused(join(nested, 'ssl'));
  });
});
