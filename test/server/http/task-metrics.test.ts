// The success metrics (/metrics and /v1/stats) after tasks run by the real agent against
// the scripted Ollama, read back from the Prometheus exposition text, and after a restart.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Stats, TaskEvent } from '../../../schemas/index.js';
import { createRunner, loadAgentSettings } from '../../../server/agent-wiring.js';
import { loadConfig } from '../../../server/config.js';
import type { App } from '../../../server/http/context.js';
import { calculatorFiles, makeRepo, startAgentOllama, toolModel } from '../../agent/agent-fixtures.js';
import { ScriptedRunner, sampleResult } from '../../support/scripted-runner.js';
import { ServerFixture, createTask, taskEnded } from './server-fixture.js';

/** The samples of an exposition: `name{label="value",...}` (labels sorted) to value; comments checked for each name. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    assert.ok(match?.[1] && match[3], `a sample line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map(([, name, value]) => `${name}="${value}"`).sort();
    samples.set(`${match[1]}{${labels.join(',')}}`, Number(match[3]));
  }
  return samples;
}

/** The key of a sample: its name and labels, sorted as `parseExposition` sorts them. */
function series(name: string, labels: Record<string, string>): string {
  return `${name}{${Object.entries(labels).map(([label, value]) => `${label}="${value}"`).sort().join(',')}}`;
}

async function scrape(app: App): Promise<Map<string, number>> {
  const response = await app.inject({ url: '/metrics' });
  assert.equal(response.statusCode, 200);
  return parseExposition(response.body);
}

async function events(app: App, id: string): Promise<TaskEvent[]> {
  const subscription = await app.minions.tasks.follow(id, 0, () => undefined);
  subscription?.unsubscribe();
  return subscription?.past ?? [];
}

const edit = (search: string, replace: string) => ({ toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search, replace } }] });
const finish = { toolCalls: [{ name: 'finish', arguments: { summary: 'done' } }] };

describe('task success metrics', () => {
  it('counts real agent runs per model and blueprint in /metrics and /v1/stats, and keeps them across a restart', async () => {
    // Task 1 fixes add but breaks multiply (a new failure), then repairs it in one fix round; task 2 changes nothing and fails.
    const ollama = await startAgentOllama([edit('  return a - b;', '  return a + b;'), edit('  return a * b;', '  return a + b + 0 * b;'), finish, edit('  return a + b + 0 * b;', '  return a * b;'), finish, finish]);
    const repo = await makeRepo(calculatorFiles);
    const fixture = await ServerFixture.create();
    try {
      const env = { OLLAMA_HOST: ollama.host, MINIONS_MODEL: toolModel, PATH: process.env.PATH };
      const config = loadConfig({ MINIONS_DATA_DIR: fixture.dataDir, MINIONS_ALLOW_NETWORK_COMMANDS: '1' });
      const app = await fixture.build({ runner: createRunner(loadAgentSettings(env, config), fixture.index, env) });
      await fixture.register(app, repo.root);
      const fixed = await createTask(app, repo.root, 'Fix add in src/math.js');
      const fixedEnd = await taskEnded(app, fixed);
      assert.equal(fixedEnd.data.status, 'succeeded', JSON.stringify(fixedEnd.data));
      assert.equal(fixedEnd.data.result?.rounds, 1);
      const idle = await createTask(app, repo.root, 'Fix add in src/math.js');
      const idleEnd = await taskEnded(app, idle);
      assert.equal(idleEnd.data.status, 'failed');

      const all = [...(await events(app, fixed)), ...(await events(app, idle))];
      const calls = all.flatMap((event) => (event.type === 'model-call' ? [event.data] : []));
      assert.equal(calls.length, 6);
      for (const call of calls) assert.ok(call.firstTokenMs !== undefined && call.firstTokenMs >= 0 && call.firstTokenMs <= call.latencyMs, `time to first token measured: ${JSON.stringify(call)}`);
      const checks = all.flatMap((event) => (event.type === 'check-end' ? [event.data] : []));
      const results = [fixedEnd.data.result, idleEnd.data.result];
      const labels = { model: toolModel, blueprint: 'default' };

      const samples = await scrape(app);
      assert.equal(samples.get(series('minions_tasks_total', { ...labels, outcome: 'succeeded' })), 1);
      assert.equal(samples.get(series('minions_tasks_total', { ...labels, outcome: 'failed' })), 1);
      assert.equal(samples.get(series('minions_task_fix_rounds_bucket', { ...labels, le: '0' })), results.filter((result) => result?.rounds === 0).length);
      assert.equal(samples.get(series('minions_task_fix_rounds_sum', labels)), 1);
      assert.equal(samples.get(series('minions_task_fix_rounds_count', labels)), results.filter((result) => result !== undefined).length);
      const tokens = (direction: 'input' | 'output'): number => results.reduce((sum, result) => sum + (result?.tokens[direction] ?? 0), 0);
      assert.ok(tokens('input') > 0);
      assert.equal(samples.get(series('minions_model_tokens_total', { ...labels, direction: 'input' })), tokens('input'));
      assert.equal(samples.get(series('minions_model_tokens_total', { ...labels, direction: 'output' })), tokens('output'));
      assert.equal(samples.get(series('minions_model_latency_seconds_count', labels)), 6);
      const latencySum = samples.get(series('minions_model_latency_seconds_sum', labels)) ?? -1;
      assert.ok(Math.abs(latencySum - calls.reduce((sum, call) => sum + call.latencyMs / 1000, 0)) < 1e-9);
      assert.equal(samples.get(series('minions_model_latency_seconds_bucket', { ...labels, le: '+Inf' })), 6);
      assert.equal(samples.get(series('minions_model_first_token_seconds_count', labels)), 6);
      for (const kind of new Set(checks.map((check) => check.kind))) {
        for (const status of new Set(checks.map((check) => check.status))) {
          const expected = checks.filter((check) => check.kind === kind && check.status === status).length;
          assert.equal(samples.get(series('minions_check_duration_seconds_count', { kind, status: status ?? '' })), expected || undefined, `${kind} ${status}`);
        }
      }
      assert.ok(checks.some((check) => check.status === 'failed'), `a failing check was counted: ${JSON.stringify(checks.map((check) => [check.kind, check.status]))}`);
      assert.equal(samples.get(series('minions_tasks', { status: 'succeeded' })), 1, 'the gauges of before stay');

      const stats = (await app.inject({ url: '/v1/stats' })).json<Stats>();
      assert.equal(stats.groups.length, 1);
      const group = stats.groups[0];
      assert.deepEqual({ ...group, latencyMs: undefined, firstTokenMs: undefined }, {
        ...labels,
        tasks: { succeeded: 1, failed: 1, cancelled: 0, interrupted: 0, total: 2 },
        successRate: 0.5,
        meanFixRounds: 1 / results.filter((result) => result !== undefined).length,
        tokens: { input: tokens('input'), output: tokens('output') },
        modelCalls: 6,
        latencyMs: undefined,
        firstTokenMs: undefined,
        reviewFindings: { info: 0, minor: 0, major: 0, critical: 0 },
      });
      const latencies = calls.map((call) => call.latencyMs).sort((a, b) => a - b);
      assert.deepEqual(group?.latencyMs, { p50: latencies[2], p95: latencies[5], samples: 6 });
      assert.equal(group?.firstTokenMs?.samples, 6);
      const before = { ...stats, generatedAt: undefined };
      await app.close();

      const restarted = await fixture.build();
      const again = await scrape(restarted);
      for (const [key, value] of samples) {
        if (key.startsWith('minions_http_')) continue;
        // A histogram's sum adds floats, and the restart replays the tasks' logs in another order.
        if (key.includes('_sum')) assert.ok(Math.abs(Number(again.get(key)) - Number(value)) < 1e-9, `${key} survives the restart: ${again.get(key)} vs ${value}`);
        else assert.equal(again.get(key), value, `${key} survives the restart`);
      }
      assert.equal([...again.keys()].filter((key) => key.startsWith('minions_http_request_duration_seconds_count')).length, 0, 'request latency starts over');
      const after = (await restarted.inject({ url: '/v1/stats' })).json<Stats>();
      assert.deepEqual({ ...after, generatedAt: undefined }, before);
    } finally {
      await fixture.dispose();
      await repo.dispose();
      await ollama.close();
    }
  });

  it("counts the reviewer's findings by severity and category, and tasks cancelled before they ran", async () => {
    const fixture = await ServerFixture.create();
    try {
      const runner = new ScriptedRunner();
      const app = await fixture.build({ runner, limits: { concurrency: 1 } });
      const root = await fixture.repo('repo', { 'a.js': 'export const a = 1;\n' });
      await fixture.register(app, root);
      const response = await app.inject({ method: 'POST', url: '/v1/tasks', payload: { repo: root, prompt: 'do it', model: 'small:1b', blueprint: 'quick' } });
      const id = response.json<{ id: string }>().id;
      const waiting = await createTask(app, root);
      await runner.started(1);
      runner.emit(id, { type: 'run-start', data: { taskId: id, repo: root, base: 'main', branch: 'minions/x', models: { implement: 'coder:7b', review: 'judge:14b' }, blueprint: 'quick' } });
      assert.equal((await app.inject({ method: 'POST', url: `/v1/tasks/${waiting}/cancel` })).statusCode, 202);
      const review = {
        model: 'judge:14b',
        findings: [
          { severity: 'major' as const, category: 'security' as const, file: 'a.js', line: 1, message: 'eval of input' },
          { severity: 'minor' as const, category: 'style' as const, file: null, line: null, message: 'naming' },
          { severity: 'major' as const, category: 'security' as const, file: 'a.js', line: 2, message: 'secret logged' },
        ],
        severe: 2,
        action: 'stop' as const,
        durationMs: 10,
      };
      runner.finish(id, sampleResult({ outcome: 'failed', review }));
      await taskEnded(app, id);
      const samples = await scrape(app);
      const labels = { model: 'coder:7b', blueprint: 'quick' };
      assert.equal(samples.get(series('minions_review_findings_total', { ...labels, severity: 'major', category: 'security' })), 2);
      assert.equal(samples.get(series('minions_review_findings_total', { ...labels, severity: 'minor', category: 'style' })), 1);
      assert.equal(samples.get(series('minions_tasks_total', { ...labels, outcome: 'failed' })), 1, 'counted under the model the run reported');
      assert.equal(samples.get(series('minions_tasks_total', { model: 'default', blueprint: 'default', outcome: 'cancelled' })), 1);
      const stats = (await app.inject({ url: '/v1/stats' })).json<Stats>();
      assert.deepEqual(stats.groups.map((group) => [group.model, group.blueprint, group.tasks.total, group.reviewFindings]), [
        ['coder:7b', 'quick', 1, { info: 0, minor: 1, major: 2, critical: 0 }],
        ['default', 'default', 1, { info: 0, minor: 0, major: 0, critical: 0 }],
      ]);
      assert.equal(stats.totals.tasks.total, 2);
      assert.equal(stats.totals.successRate, 0);
      assert.equal(stats.totals.latencyMs, null);
    } finally {
      await fixture.dispose();
    }
  });
});
