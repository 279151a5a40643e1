// The default embedder's precision and sessions are settings: int8 unless MINIONS_EMBED_PRECISION says fp32.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../server/config.js';

const base = { MINIONS_DATA_DIR: '/data' };

describe('embedding settings', () => {
  it('defaults to int8 and lets fp32 be chosen', () => {
    assert.equal(loadConfig(base).embedPrecision, 'int8');
    assert.equal(loadConfig({ ...base, MINIONS_EMBED_PRECISION: 'fp32' }).embedPrecision, 'fp32');
    assert.throws(() => loadConfig({ ...base, MINIONS_EMBED_PRECISION: 'int4' }), /MINIONS_EMBED_PRECISION/);
  });

  it('reads the number of sessions, leaving the default to the embedder', () => {
    assert.equal(loadConfig(base).embedSessions, undefined);
    assert.equal(loadConfig({ ...base, MINIONS_EMBED_SESSIONS: '3' }).embedSessions, 3);
    assert.throws(() => loadConfig({ ...base, MINIONS_EMBED_SESSIONS: '0' }), /MINIONS_EMBED_SESSIONS/);
  });
});
