// `minions doctor` on this machine, against the scripted Ollama (real HTTP: /api/version,
// /api/tags, /api/show) and a dead port; the local checks run for real (native modules,
// model conversion into a temporary data directory, bubblewrap, disk, inotify).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DoctorCheck } from '../../server/cli/doctor-checks.js';
import { checkInotify, checkNode } from '../../server/cli/doctor-checks.js';
import { startScriptedOllama, type ScriptedOllama } from '../support/scripted-ollama.js';
import { runCli } from './cli-run.js';

interface Report {
  ok: boolean;
  checks: DoctorCheck[];
}

/** A port nothing listens on: taken, then let go. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('minions doctor', () => {
  let folder = '';
  let ollama: ScriptedOllama;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-doctor-'));
    ollama = await startScriptedOllama({
      models: [
        { name: 'coder:7b', architecture: 'qwen2', contextLength: 32768, capabilities: ['completion', 'tools'] },
        { name: 'texty:1b', architecture: 'llama', contextLength: 8192, capabilities: ['completion'] },
        { name: 'small:1b', architecture: 'llama', contextLength: 4096, capabilities: ['completion', 'tools'] },
      ],
    });
  });
  after(async () => {
    await ollama.close();
    await rm(folder, { recursive: true, force: true });
  });

  const doctor = async (env: NodeJS.ProcessEnv, ...args: string[]): Promise<{ code: number; report: Report }> => {
    const { code, stdout, stderr } = await runCli(['doctor', '--json', '--data-dir', join(folder, 'data'), ...args], folder, { PATH: process.env.PATH, ...env });
    assert.equal(stderr, '');
    return { code, report: JSON.parse(stdout) as Report };
  };
  const find = (report: Report, name: string): DoctorCheck => {
    const check = report.checks.find((entry) => entry.name === name);
    assert.ok(check, `a ${name} check in ${report.checks.map((entry) => entry.name).join(', ')}`);
    return check;
  };

  it('checks everything, and Ollama through its API: reachable, model pulled, tools, context', async () => {
    const { code, report } = await doctor({ OLLAMA_HOST: ollama.host, MINIONS_MODEL: 'coder:7b' });
    const names = report.checks.map((check) => check.name);
    for (const name of ['node', 'tree-sitter', 'lancedb', 'embedding model', 'onnxruntime', 'ollama', 'model', 'tool calls', 'context', 'sandbox', 'disk', 'inotify']) assert.ok(names.includes(name), name);
    for (const name of ['node', 'tree-sitter', 'lancedb', 'embedding model', 'onnxruntime', 'ollama', 'model', 'tool calls', 'context']) assert.equal(find(report, name).status, 'ok', JSON.stringify(find(report, name)));
    assert.match(find(report, 'context').detail, /32768 tokens/);
    assert.equal(report.ok, !report.checks.some((check) => check.status === 'fail'));
    assert.equal(code, report.ok ? 0 : 1, 'exit 1 exactly when a check fails');
    assert.ok(ollama.requestsTo('/api/show').some((request) => (request.body as { model?: string }).model === 'coder:7b'));
    for (const check of report.checks) if (check.status !== 'ok') assert.ok(check.fix, `${check.name} says how to fix it`);
  });

  it('fails a model without tools or not pulled, and warns about a short context, each with the fix', async () => {
    const texty = await doctor({ OLLAMA_HOST: ollama.host }, '--model', 'texty:1b');
    assert.equal(texty.code, 1);
    assert.equal(find(texty.report, 'tool calls').status, 'fail');
    assert.match(find(texty.report, 'tool calls').fix ?? '', /tool-capable/);
    const absent = await doctor({ OLLAMA_HOST: ollama.host, MINIONS_MODEL: 'absent:3b' });
    assert.equal(absent.code, 1);
    assert.equal(find(absent.report, 'model').status, 'fail');
    assert.match(find(absent.report, 'model').fix ?? '', /ollama pull absent:3b/);
    const small = await doctor({ OLLAMA_HOST: ollama.host, MINIONS_MODEL: 'small:1b' });
    assert.equal(find(small.report, 'context').status, 'warn');
    assert.match(find(small.report, 'context').detail, /4096 tokens/);
  });

  it('fails when Ollama does not answer (a dead port) and when privacy mode forbids its host', async () => {
    const port = await deadPort();
    const dead = await doctor({ OLLAMA_HOST: `http://127.0.0.1:${port}` });
    assert.equal(dead.code, 1);
    const check = find(dead.report, 'ollama');
    assert.equal(check.status, 'fail');
    assert.match(check.detail, /ECONNREFUSED/);
    assert.match(check.fix ?? '', new RegExp(`ollama serve.*127\\.0\\.0\\.1:${port}`));
    const remote = await doctor({ OLLAMA_HOST: 'http://192.0.2.7:11434' });
    assert.equal(find(remote.report, 'ollama').status, 'fail');
    assert.match(find(remote.report, 'ollama').detail, /privacy/i);
    const { code, stdout } = await runCli(['doctor', '--data-dir', join(folder, 'data')], folder, { PATH: process.env.PATH, OLLAMA_HOST: `http://127.0.0.1:${port}` });
    assert.equal(code, 1);
    assert.match(stdout, /^fail +ollama .*\n +fix: Start Ollama/m);
    assert.match(stdout, /Not ready: \d+ checks, [1-9]\d* failed/);
  });

  it('judges Node against engines and inotify watches against a large repository', async () => {
    assert.equal(checkNode('20.18.1').status, 'fail');
    assert.equal(checkNode('20.19.0').status, 'ok');
    assert.equal(checkNode('22.1.0').status, 'ok');
    assert.equal((await checkInotify(join(folder, 'no-such-file'))).status, 'warn');
    await writeFile(join(folder, 'watches'), '8192\n');
    const low = await checkInotify(join(folder, 'watches'));
    assert.equal(low.status, 'warn');
    assert.match(low.fix ?? '', /sysctl fs\.inotify\.max_user_watches=524288/);
    await writeFile(join(folder, 'watches'), '524288\n');
    assert.equal((await checkInotify(join(folder, 'watches'))).status, 'ok');
  });
});
