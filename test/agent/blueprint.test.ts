// The blueprint engine: nodes in order, outcome labels routed to nodes, a failure stops
// the run but not the `always` nodes, visit and time limits, cancellation rethrown after
// clean-up; and routing checked before anything runs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateBlueprint } from '../../agent/blueprint-routes.js';
import { runBlueprint, type BlueprintNode, type NodeOutcome, type NodeServices } from '../../agent/blueprint.js';
import { defaultBlueprint } from '../../agent/default-blueprint.js';
import { resolveLimits } from '../../agent/limits.js';
import { createAgentRunner } from '../../agent/runner.js';
import { MinionsError } from '../../schemas/index.js';
import { initialState } from '../../agent/run-state.js';
import { RecordingSearch } from './agent-fixtures.js';

function setup(): { services: NodeServices; events: string[] } {
  const events: string[] = [];
  const services: NodeServices = {
    search: new RecordingSearch(),
    limits: resolveLimits(),
    emit: (type, data) => events.push(`${type}:${String((data as { node?: string }).node ?? '')}`),
    model: () => {
      throw new Error('no model in this test');
    },
    contextLength: 32_768,
    protectedPaths: [],
    allowedCommands: [],
    env: {},
    worktreesDir: '',
  };
  return { services, events };
}

function node(name: string, run: (visit: number, signal: AbortSignal) => Promise<NodeOutcome> | NodeOutcome, extra: Partial<BlueprintNode> = {}): BlueprintNode {
  return { name, kind: 'deterministic', description: name, limits: { timeoutMs: 5_000, maxVisits: 5 }, outcomes: ['ok'], run: async (context) => run(context.visit, context.signal), ...extra };
}

const state = () => initialState('t', { repo: '/r', prompt: 'p' }, '/r', 'minions/t', 'abc');

describe('blueprint engine', () => {
  it('follows routes by label and counts visits', async () => {
    const { services } = setup();
    const order: string[] = [];
    const nodes = [
      node('a', () => (order.push('a'), { status: 'ok', label: 'ok' })),
      node('b', (visit) => (order.push(`b${visit}`), visit < 2 ? { status: 'failed', label: 'retry' } : { status: 'ok', label: 'done' }), { outcomes: ['retry', 'done'], routes: { retry: 'c', done: 'end' } }),
      node('c', () => (order.push('c'), { status: 'ok', label: 'back' }), { outcomes: ['back'], routes: { back: 'b' } }),
      node('never', () => (order.push('never'), { status: 'ok', label: 'ok' })),
      node('cleanup', () => (order.push('cleanup'), { status: 'ok', label: 'ok' }), { always: true }),
    ];
    const run = state();
    const records = await runBlueprint({ name: 'x', nodes }, run, services, new AbortController().signal);
    assert.deepEqual(order, ['a', 'b0', 'c', 'b1', 'c', 'b2', 'cleanup']);
    assert.equal(records.length, 7);
    assert.equal(run.failure, undefined);
  });

  it('stops after a failure routed to fail, and after too many visits, but runs always-nodes', async () => {
    const { services } = setup();
    const order: string[] = [];
    const failing = state();
    await runBlueprint({ name: 'x', nodes: [node('a', () => { throw new Error('git refused'); }), node('b', () => (order.push('b'), { status: 'ok', label: 'ok' })), node('z', () => (order.push('z'), { status: 'ok', label: 'ok' }), { always: true })] }, failing, services, new AbortController().signal);
    assert.deepEqual(order, ['z']);
    assert.equal(failing.failure, 'a: git refused');
    const looping = state();
    await runBlueprint({ name: 'x', nodes: [node('a', () => ({ status: 'ok', label: 'again' }), { limits: { timeoutMs: 5_000, maxVisits: 3 }, outcomes: ['again'], routes: { again: 'a' } }), node('z', () => ({ status: 'ok', label: 'ok' }), { always: true, limits: { timeoutMs: 5_000, maxVisits: 1 } })] }, looping, services, new AbortController().signal);
    assert.equal(looping.failure, 'node a exceeded 3 visits');
  });

  it('fails a node at its time limit', async () => {
    const { services } = setup();
    // Node time limits do not hold the process open; this test has nothing else that does.
    const alive = setInterval(() => undefined, 1000);
    const slow = state();
    const wait = (_visit: number, signal: AbortSignal) => new Promise<NodeOutcome>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    await runBlueprint({ name: 'x', nodes: [node('slow', wait, { limits: { timeoutMs: 50, maxVisits: 1 } })] }, slow, services, new AbortController().signal);
    clearInterval(alive);
    assert.equal(slow.failure, 'slow: exceeded its time limit of 50 ms');
  });

  it('rethrows cancellation after the always-nodes ran with a live signal', async () => {
    const { services, events } = setup();
    const controller = new AbortController();
    let cleanupSignal: AbortSignal | undefined;
    const nodes = [
      node('work', (_visit, signal) => new Promise<NodeOutcome>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason));
        setImmediate(() => controller.abort());
      })),
      node('cleanup', (_visit, signal) => ((cleanupSignal = signal), { status: 'ok', label: 'ok' }), { always: true }),
    ];
    await assert.rejects(runBlueprint({ name: 'x', nodes }, state(), services, controller.signal), { name: 'AbortError' });
    assert.equal(cleanupSignal?.aborted, false);
    assert.deepEqual(events, ['node-start:work', 'node-end:work', 'node-start:cleanup', 'node-end:cleanup']);
  });

  it('runs a custom blueprint whose routes loop until a node says otherwise', async () => {
    const { services } = setup();
    const order: string[] = [];
    const nodes = [
      node('draft', (visit) => (order.push(`draft${visit}`), { status: 'ok', label: 'drafted' }), { outcomes: ['drafted'], routes: { drafted: 'review' } }),
      node('review', (visit) => (order.push(`review${visit}`), visit < 2 ? { status: 'failed', label: 'rejected' } : { status: 'ok', label: 'accepted' }), { outcomes: ['rejected', 'accepted'], routes: { rejected: 'draft', accepted: 'publish' } }),
      node('skipped-over', () => (order.push('skipped-over'), { status: 'ok', label: 'ok' })),
      node('publish', () => (order.push('publish'), { status: 'ok', label: 'ok' })),
    ];
    const run = state();
    const records = await runBlueprint({ name: 'review-loop', nodes }, run, services, new AbortController().signal);
    assert.deepEqual(order, ['draft0', 'review0', 'draft1', 'review1', 'draft2', 'review2', 'publish']);
    assert.deepEqual(records.map((record) => `${record.node}:${record.status}`), ['draft:ok', 'review:failed', 'draft:ok', 'review:failed', 'draft:ok', 'review:ok', 'publish:ok']);
    assert.equal(run.failure, undefined);
  });

  it('rejects a route to an unknown node before any node runs, naming the blueprint and the node', async () => {
    const { services, events } = setup();
    const base = defaultBlueprint(resolveLimits());
    // The case: checks sends its passing outcome to a misspelt deliver.
    const misspelt = { name: 'typo', nodes: base.nodes.map((entry) => (entry.name === 'checks' ? { ...entry, routes: { ...entry.routes, passed: 'delivr' } } : entry)) };
    const run = state();
    await assert.rejects(runBlueprint(misspelt, run, services, new AbortController().signal), (error: unknown) => {
      assert.ok(error instanceof MinionsError);
      assert.equal(error.code, 'invalid-argument');
      assert.match(error.message, /Blueprint "typo", node "checks": routes "passed" to "delivr", which is not a node/);
      return true;
    });
    assert.deepEqual(events, []);
    assert.equal(run.worktree, undefined);
    // The runner refuses it before it looks at the repository or Ollama.
    const runner = createAgentRunner({ ollamaHost: 'http://127.0.0.1:9', model: 'm', search: new RecordingSearch(), blueprints: { typo: misspelt } });
    const seen: string[] = [];
    const task = { id: 't', request: { repo: '/nowhere', prompt: 'p', blueprint: 'typo' }, root: '/nowhere' };
    await assert.rejects(runner.run(task, { signal: new AbortController().signal, emit: (event) => seen.push(event.type) }), /Blueprint "typo", node "checks"/);
    assert.deepEqual(seen, []);
  });

  it('rejects routes of undeclared labels, declared labels without a route, and reserved or repeated names', () => {
    const check = (nodes: BlueprintNode[], pattern: RegExp) => assert.throws(() => validateBlueprint({ name: 'x', nodes }), (error: unknown) => error instanceof MinionsError && error.code === 'invalid-argument' && pattern.test(error.message));
    check([node('a', () => ({ status: 'ok', label: 'ok' }), { routes: { pased: 'a' } })], /Blueprint "x", node "a": routes the outcome "pased", which the node never returns/);
    check([node('a', () => ({ status: 'ok', label: 'ok' }), { outcomes: ['ok', 'retry'] })], /Blueprint "x", node "a": the outcome "retry" has no route/);
    check([node('end', () => ({ status: 'ok', label: 'ok' }))], /node "end": "end" is a route target/);
    check([node('a', () => ({ status: 'ok', label: 'ok' })), node('a', () => ({ status: 'ok', label: 'ok' }))], /node "a": the name is used by two nodes/);
    const table = validateBlueprint(defaultBlueprint(resolveLimits()));
    assert.deepEqual(Object.fromEntries(table.get('checks') ?? []), { passed: 'review', 'passed-with-preexisting-failures': 'review', 'no-checks': 'review', 'checks-failed': 'fix', 'rounds-exhausted': 'deliver', failed: 'fail' });
    assert.deepEqual(Object.fromEntries(table.get('review') ?? []), { approved: 'deliver', 'not-configured': 'deliver', 'severe-fix': 'fix', 'severe-stop': 'deliver', 'reviewer-failed': 'deliver', failed: 'fail' });
    assert.deepEqual(Object.fromEntries(table.get('baseline') ?? []), { measured: 'implement', cached: 'implement', 'no-checks': 'implement', failed: 'fail' });
    assert.deepEqual(Object.fromEntries(table.get('context') ?? []), { ok: 'baseline', failed: 'fail' });
  });

  it('records a label the blueprint does not route as a failure instead of running the following node', async () => {
    const { services, events } = setup();
    const order: string[] = [];
    const nodes = [
      node('checks', () => (order.push('checks'), { status: 'ok', label: 'delivr' }), { outcomes: ['passed'], routes: { passed: 'deliver' } }),
      node('fix', () => (order.push('fix'), { status: 'ok', label: 'ok' })),
      node('deliver', () => (order.push('deliver'), { status: 'ok', label: 'ok' })),
      node('cleanup', () => (order.push('cleanup'), { status: 'ok', label: 'ok' }), { always: true }),
    ];
    const run = state();
    const records = await runBlueprint({ name: 'x', nodes }, run, services, new AbortController().signal);
    assert.deepEqual(order, ['checks', 'cleanup']);
    assert.equal(run.failure, 'checks: returned the outcome "delivr", which blueprint "x" does not route');
    assert.deepEqual(records.map((record) => `${record.node}:${record.status}`), ['checks:failed', 'cleanup:ok']);
    assert.deepEqual(events, ['node-start:checks', 'node-end:checks', 'node-start:cleanup', 'node-end:cleanup']);
  });
});
