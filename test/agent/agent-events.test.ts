// The agent's events against their schema: scripted runs that between them emit every
// kind of event, each one checked with `Value.Check`, so the TaskEvent union in
// `schemas/` cannot drift from what the runner emits.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { AgentEvent, TaskEvent } from '../../schemas/index.js';
import { ollamaFaults, type ScriptedOllama } from '../support/scripted-ollama.js';
import { parseForgeTokens } from '../../server/forge/forge-tokens.js';
import { createForgePublisher } from '../../server/forge/publisher.js';
import { startForgeApiServer } from '../support/forge-api-server.js';
import { calculatorFiles, git, makeRepo, runTask, startAgentOllama, type RecordedEvent } from './agent-fixtures.js';

const typesOfSchema = AgentEvent.anyOf.map((variant) => variant.properties.type.const);

describe('agent events match their schema', () => {
  let ollama: ScriptedOllama;
  const emitted: RecordedEvent[] = [];
  before(async () => {
    ollama = await startAgentOllama();
  });
  after(() => ollama.close());

  it('a run with a failing check, a fix round, a repeated call and a step limit emits only valid events', async () => {
    const repo = await makeRepo(calculatorFiles);
    const read = { toolCalls: [{ name: 'read_file', arguments: { path: 'src/math.js' } }] };
    ollama.setChat([
      read,
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a * b;' } }] },
      { toolCalls: [{ name: 'run_command', arguments: { command: 'git status --short' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'Changed add.' } }] },
      // The fix round repeats a call until the loop guard warns, then hits its one-step-more limit.
      read,
      read,
      read,
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Make add return the sum.' }, { limits: { fix: { maxSteps: 2 } } });
    assert.ok(result, 'the run ends with a result');
    emitted.push(...events);
    await repo.dispose();
  });

  it('a run that succeeds, commits and publishes emits only valid events', async () => {
    const repo = await makeRepo(calculatorFiles);
    // Published to a bare repository and a pull request on a local server speaking Gitea's API.
    const bare = join(repo.worktrees, '..', 'calc.git');
    git(repo.root, 'init', '--quiet', '--bare', bare);
    const forge = await startForgeApiServer({ repositories: ['octo/calc'], token: 'tok' });
    const settings = { remote: bare, forge: 'gitea' as const, apiUrl: `${forge.url}/gitea/api/v1`, repository: 'octo/calc', baseBranch: 'main' };
    const publisher = createForgePublisher({ lookup: async () => settings, tokens: parseForgeTokens('127.0.0.1=tok', undefined), policy: { privacy: true, allowedHosts: [] } });
    ollama.setChat([
      // Ollama is busy once: the turn is retried (model-retry).
      { fault: ollamaFaults.busy },
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now adds.' } }] },
      // The reviewer (review-start, review-end) answers in the schema of its format.
      { content: JSON.stringify({ findings: [{ severity: 'info', category: 'style', file: 'src/math.js', line: 2, message: 'Fine.' }], summary: 'Fixes add().' }) },
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.', review: true }, { publisher });
    await forge.close();
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.publication?.pullRequest?.url, 'https://gitea.example/octo/calc/pulls/1');
    emitted.push(...events);
    await repo.dispose();
  });

  it('a run whose reads outgrow a small num_ctx emits only valid events (context-trim among them)', async () => {
    const big = Array.from({ length: 600 }, (_, index) => `export const value${index} = compute(${index}, 'text of line ${index}');`).join('\n');
    const repo = await makeRepo({ ...calculatorFiles, 'src/big.js': `${big}\n` });
    const read = (start: number) => ({ toolCalls: [{ name: 'read_file', arguments: { path: 'src/big.js', start_line: start } }] });
    ollama.setChat([
      read(1),
      read(50),
      read(100),
      read(150),
      { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
      { toolCalls: [{ name: 'finish', arguments: { summary: 'add() now adds.' } }] },
    ]);
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js.', numCtx: 4096 });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.ok(events.some((event) => event.type === 'context-trim'));
    emitted.push(...events);
    await repo.dispose();
  });

  it('every event validates, and together the runs cover the union', () => {
    for (const event of emitted) assert.ok(Value.Check(AgentEvent, event), `${event.type}: ${[...Value.Errors(AgentEvent, event)].map((error) => `${error.path} ${error.message}`).join('; ')}`);
    // As the server stores it: numbered and dated, it is a TaskEvent.
    emitted.forEach((event, index) => assert.ok(Value.Check(TaskEvent, { seq: index + 1, time: new Date(0).toISOString(), ...event }), event.type));
    const seen = new Set(emitted.map((event) => event.type));
    // Cancellation (run-end `cancelled`) and a token limit are covered by the failure tests.
    assert.deepEqual(typesOfSchema.filter((type) => !seen.has(type)), []);
  });

  it('refuses an event whose data does not match its type', () => {
    assert.equal(Value.Check(AgentEvent, { type: 'node-start', data: { node: 'implement' } }), false);
    assert.equal(Value.Check(AgentEvent, { type: 'command', data: { node: 'checks', command: 'npm test', exitCode: 0, signal: null, timedOut: false, durationMs: 1, output: '' } }), false);
    assert.equal(Value.Check(AgentEvent, { type: 'task-end', data: { status: 'succeeded' } }), false, 'a lifecycle event is not an agent event');
  });
});
