// The blueprint engine: nodes in order, jumps by name, a failure stops the run but not
// the `always` nodes, visit and time limits, and cancellation rethrown after clean-up.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runBlueprint, type BlueprintNode, type NodeOutcome, type NodeServices } from '../../agent/blueprint.js';
import { resolveLimits } from '../../agent/limits.js';
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
    protectedPaths: [],
    allowedCommands: [],
    env: {},
    worktreesDir: '',
  };
  return { services, events };
}

function node(name: string, run: (visit: number, signal: AbortSignal) => Promise<NodeOutcome> | NodeOutcome, extra: Partial<BlueprintNode> = {}): BlueprintNode {
  return { name, kind: 'deterministic', description: name, limits: { timeoutMs: 5_000, maxVisits: 5 }, run: async (context) => run(context.visit, context.signal), ...extra };
}

const state = () => initialState('t', { repo: '/r', prompt: 'p' }, '/r', 'minions/t', 'abc');

describe('blueprint engine', () => {
  it('follows jumps by name and counts visits', async () => {
    const { services } = setup();
    const order: string[] = [];
    const nodes = [
      node('a', () => (order.push('a'), { status: 'ok' })),
      node('b', (visit) => (order.push(`b${visit}`), visit < 2 ? { status: 'failed', next: 'c' } : { status: 'ok', next: 'end' })),
      node('c', () => (order.push('c'), { status: 'ok', next: 'b' })),
      node('never', () => (order.push('never'), { status: 'ok' })),
      node('cleanup', () => (order.push('cleanup'), { status: 'ok' }), { always: true }),
    ];
    const run = state();
    const records = await runBlueprint({ name: 'x', nodes }, run, services, new AbortController().signal);
    assert.deepEqual(order, ['a', 'b0', 'c', 'b1', 'c', 'b2', 'cleanup']);
    assert.equal(records.length, 7);
    assert.equal(run.failure, undefined);
  });

  it('stops after a failure without next, and after too many visits, but runs always-nodes', async () => {
    const { services } = setup();
    const order: string[] = [];
    const failing = state();
    await runBlueprint({ name: 'x', nodes: [node('a', () => { throw new Error('git refused'); }), node('b', () => (order.push('b'), { status: 'ok' })), node('z', () => (order.push('z'), { status: 'ok' }), { always: true })] }, failing, services, new AbortController().signal);
    assert.deepEqual(order, ['z']);
    assert.equal(failing.failure, 'a: git refused');
    const looping = state();
    await runBlueprint({ name: 'x', nodes: [node('a', () => ({ status: 'ok', next: 'a' }), { limits: { timeoutMs: 5_000, maxVisits: 3 } }), node('z', () => ({ status: 'ok' }), { always: true, limits: { timeoutMs: 5_000, maxVisits: 1 } })] }, looping, services, new AbortController().signal);
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
      node('cleanup', (_visit, signal) => ((cleanupSignal = signal), { status: 'ok' }), { always: true }),
    ];
    await assert.rejects(runBlueprint({ name: 'x', nodes }, state(), services, controller.signal), { name: 'AbortError' });
    assert.equal(cleanupSignal?.aborted, false);
    assert.deepEqual(events, ['node-start:work', 'node-end:work', 'node-start:cleanup', 'node-end:cleanup']);
  });
});
