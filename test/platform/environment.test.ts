// The environments of the processes minions starts: git's keeps none of the parent's
// GIT_* redirections or secrets; commands' keeps toolchains and adds offline switches;
// telemetry opt-outs reach the real environment.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { disableTelemetry, gitEnvironment, scrubbedEnvironment, telemetryOff } from '../../platform/index.js';

const parent: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/u',
  LANG: 'de_DE.UTF-8',
  TZ: 'Europe/Berlin',
  XDG_CONFIG_HOME: '/home/u/.config',
  GOPATH: '/home/u/go',
  GIT_DIR: '/elsewhere/.git',
  GIT_WORK_TREE: '/elsewhere',
  GIT_INDEX_FILE: '/elsewhere/.git/index',
  GIT_CONFIG_PARAMETERS: "'core.hooksPath'='/evil'",
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'core.fsmonitor',
  GIT_CONFIG_VALUE_0: '/evil',
  GIT_EXEC_PATH: '/evil/libexec',
  GIT_OBJECT_DIRECTORY: '/elsewhere/.git/objects',
  GITHUB_TOKEN: 'ghp_secret',
  AWS_SECRET_ACCESS_KEY: 'k',
  SSH_AUTH_SOCK: '/tmp/agent.sock',
  HTTPS_PROXY: 'http://proxy:3128',
};

describe('process environments', () => {
  it('gives git what it needs and none of the parent GIT_* variables or secrets', () => {
    const env = gitEnvironment(parent);
    assert.deepEqual(Object.keys(env).sort(), ['GIT_EDITOR', 'GIT_PAGER', 'GIT_TERMINAL_PROMPT', 'HOME', 'LANG', 'LC_ALL', 'PATH', 'TZ', 'XDG_CONFIG_HOME']);
    for (const name of ['PATH', 'HOME', 'LANG', 'TZ', 'XDG_CONFIG_HOME']) assert.equal(env[name], parent[name], name);
    // Never a prompt for credentials, and git's messages in English for the errors minions quotes.
    assert.equal(env.GIT_TERMINAL_PROMPT, '0');
    assert.equal(env.LC_ALL, 'C');
  });

  it('gives commands the toolchains, offline switches and telemetry opt-outs, and no git redirections', () => {
    const env = scrubbedEnvironment(parent);
    assert.equal(env.GOPATH, '/home/u/go');
    assert.equal(env.npm_config_offline, 'true');
    assert.equal(env.DO_NOT_TRACK, '1');
    for (const name of Object.keys(parent).filter((key) => key.startsWith('GIT_') || /TOKEN|SECRET|PROXY|SSH/.test(key))) assert.equal(env[name], undefined, name);
  });

  it('sets telemetry opt-outs in the real environment', () => {
    const saved = process.env.SCARF_ANALYTICS;
    try {
      process.env.SCARF_ANALYTICS = 'true';
      disableTelemetry(['SCARF_ANALYTICS']);
      assert.equal(process.env.SCARF_ANALYTICS, telemetryOff.SCARF_ANALYTICS);
    } finally {
      if (saved === undefined) delete process.env.SCARF_ANALYTICS;
      else process.env.SCARF_ANALYTICS = saved;
    }
  });
});
