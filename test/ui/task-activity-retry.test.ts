// The task page's fold of a task that ran again after its worker was lost: the new attempt
// replaces the lost one's timeline, with a note saying why.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskEvent } from '../../schemas/index.js';
import { emptyActivity, foldEvent } from '../../ui/task-activity.js';

const time = '2026-12-01T08:00:00.000Z';

describe('task activity: a retried task', () => {
  it('starts the timeline again at task-retry, keeping the request and noting the attempt', () => {
    const events: TaskEvent[] = [
      { seq: 1, time, type: 'task-queue', data: { request: { repo: '/r', prompt: 'Fix add' }, root: '/r' } },
      { seq: 2, time, type: 'task-start', data: { worker: 'a:1', attempt: 1 } },
      { seq: 3, time, type: 'node-start', data: { node: 'prepare', kind: 'deterministic', round: 0 } },
      { seq: 4, time, type: 'task-retry', data: { attempt: 2, reason: 'the worker was lost' } },
      { seq: 5, time, type: 'task-start', data: { worker: 'b:2', attempt: 2 } },
    ];
    const state = events.reduce(foldEvent, emptyActivity());
    assert.equal(state.status, 'running');
    assert.equal(state.request?.prompt, 'Fix add');
    assert.equal(state.lastSeq, 5);
    assert.deepEqual(state.nodes.map((node) => node.node), ['setup']);
    assert.deepEqual(state.nodes[0]?.activity, [{ type: 'note', seq: 4, text: 'attempt 2: the worker was lost', tone: 'warn' }]);
  });
});
