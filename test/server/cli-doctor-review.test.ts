// `minions doctor` with a review model configured: pulled or not, and whether the Ollama
// answering enforces the review's JSON schema (0.5 and later), against the scripted Ollama.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoctorCheck } from '../../server/cli/doctor-checks.js';
import { startScriptedOllama, type ScriptedOllama } from '../support/scripted-ollama.js';
import { runCli } from './cli-run.js';

describe('minions doctor: the review model', () => {
  let folder = '';
  let current: ScriptedOllama;
  let old: ScriptedOllama;
  const models = [
    { name: 'coder:7b', architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] },
    { name: 'judge:14b', architecture: 'qwen2', contextLength: 32768, capabilities: ['completion'] },
  ];
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-doctor-review-'));
    current = await startScriptedOllama({ models });
    old = await startScriptedOllama({ models, version: '0.4.7' });
  });
  after(async () => {
    await current.close();
    await old.close();
    await rm(folder, { recursive: true, force: true });
  });

  const reviewCheck = async (host: string, reviewModel: string): Promise<DoctorCheck | undefined> => {
    const { stdout } = await runCli(['doctor', '--json', '--data-dir', join(folder, 'data')], folder, { PATH: process.env.PATH, OLLAMA_HOST: host, MINIONS_MODEL: 'coder:7b', MINIONS_REVIEW_MODEL: reviewModel });
    return (JSON.parse(stdout) as { checks: DoctorCheck[] }).checks.find((check) => check.name === 'review model');
  };

  it('checks that the review model is pulled and that Ollama enforces its schema', async () => {
    // One after another: the runs share the data directory.
    const ok = await reviewCheck(current.host, 'judge:14b');
    const absent = await reviewCheck(current.host, 'absent:3b');
    const older = await reviewCheck(old.host, 'judge:14b');
    assert.deepEqual(ok, { name: 'review model', status: 'ok', detail: "judge:14b is pulled; Ollama enforces the review's JSON schema" });
    assert.equal(absent?.status, 'fail');
    assert.match(absent?.fix ?? '', /^ollama pull absent:3b/);
    assert.equal(older?.status, 'warn');
    assert.match(older?.detail ?? '', /^Ollama 0\.4\.7 does not enforce the review's JSON schema/);
  });
});
