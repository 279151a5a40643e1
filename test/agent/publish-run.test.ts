// The publish node in a scripted run: a remote that never answers runs into the node's
// time limit, which becomes `publication.error` while the commit and the outcome stand;
// a task that turns pushing off is skipped with its own outcome.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultBlueprint, resolveLimits, type Blueprint } from '../../agent/index.js';
import { parseForgeTokens } from '../../server/forge/forge-tokens.js';
import { createForgePublisher } from '../../server/forge/publisher.js';
import type { ScriptedOllama } from '../support/scripted-ollama.js';
import { calculatorFiles, eventsOf, git, makeRepo, runTask, startAgentOllama } from './agent-fixtures.js';

const script = [
  { toolCalls: [{ name: 'edit_file', arguments: { path: 'src/math.js', search: '  return a - b;', replace: '  return a + b;' } }] },
  { toolCalls: [{ name: 'finish', arguments: { summary: 'add() adds.' } }] },
];

/** The default blueprint with a publish node that gives up after `timeoutMs`. */
function quickPublish(timeoutMs: number): Blueprint {
  const blueprint = defaultBlueprint(resolveLimits());
  return { name: 'quick-publish', nodes: blueprint.nodes.map((node) => (node.name === 'publish' ? { ...node, limits: { ...node.limits, timeoutMs } } : node)) };
}

describe('the publish node in a run', () => {
  let ollama: ScriptedOllama;
  let silent: Server;
  let remote: string;
  before(async () => {
    ollama = await startAgentOllama();
    // Accepts connections and never answers: git waits until the node's limit aborts it.
    silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    remote = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/calc.git`;
  });
  after(async () => {
    silent.closeAllConnections();
    silent.close();
    await ollama.close();
  });

  it('turns its time limit into publication.error; the commit and the outcome stand', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(script);
    const publisher = createForgePublisher({ lookup: async () => ({ remote }), tokens: parseForgeTokens(undefined, undefined), policy: { privacy: true, allowedHosts: [] } });
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js', blueprint: 'quick-publish' }, { publisher, blueprints: { 'quick-publish': quickPublish(1500) } });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.deepEqual(result?.publication, { error: 'publishing exceeded its time limit' });
    assert.equal(git(repo.root, 'rev-parse', result?.branch ?? ''), result?.commit);
    const publish = eventsOf(events, 'node-end').find((node) => node.node === 'publish');
    assert.deepEqual([publish?.status, publish?.outcome], ['failed', 'publish-failed']);
    await repo.dispose();
  });

  it('is skipped with its own outcome when the task turns pushing off', async () => {
    const repo = await makeRepo(calculatorFiles);
    ollama.setChat(script);
    const publisher = createForgePublisher({ lookup: async () => ({ remote }), tokens: parseForgeTokens(undefined, undefined), policy: { privacy: true, allowedHosts: [] } });
    const { result, events } = await runTask(repo, ollama, { prompt: 'Fix add in src/math.js', publish: { push: false } }, { publisher });
    assert.equal(result?.outcome, 'succeeded', result?.reason);
    assert.equal(result?.publication, undefined);
    const publish = eventsOf(events, 'node-end').find((node) => node.node === 'publish');
    assert.deepEqual([publish?.status, publish?.outcome], ['skipped', 'not-configured']);
    await repo.dispose();
  });
});
