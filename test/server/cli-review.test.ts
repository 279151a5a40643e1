// The reviewer at the edge: its settings (options over variables over defaults), its
// command-line flags, and how the CLI prints its events and its part of the result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Review, TaskResult } from '../../schemas/index.js';
import { loadAgentSettings } from '../../server/agent-wiring.js';
import { describeAgentEvent } from '../../server/cli/agent-progress.js';
import { describeResult } from '../../server/cli/result-output.js';
import { reviewFlags } from '../../server/cli/review-options.js';
import { loadConfig } from '../../server/config.js';

const base = { MINIONS_DATA_DIR: '/data' };

const review: Review = {
  model: 'judge:14b',
  findings: [
    { severity: 'major', category: 'tests-weakened', file: 'test/a.test.js', line: null, message: 'The test file is deleted.', source: 'harness' },
    { severity: 'minor', category: 'style', file: 'src/a.js', line: 4, message: 'Long\nline.', source: 'model' },
  ],
  severe: 1,
  action: 'stop',
  summary: 'Risky.',
  durationMs: 1200,
  round: 0,
};

describe('review settings and flags', () => {
  it('reads the review settings: off by default, on with a review model, a policy of fix unless stop', () => {
    const config = loadConfig(base);
    assert.deepEqual(loadAgentSettings(base, config).review, { policy: 'fix' });
    assert.deepEqual(loadAgentSettings({ ...base, MINIONS_REVIEW_MODEL: 'judge:14b', MINIONS_REVIEW_POLICY: 'stop' }, config).review, { model: 'judge:14b', policy: 'stop' });
    assert.deepEqual(loadAgentSettings({ ...base, MINIONS_REVIEW: '1' }, config, { review: false }).review, { enabled: false, policy: 'fix' });
    assert.throws(() => loadAgentSettings({ ...base, MINIONS_REVIEW_POLICY: 'ignore' }, config), { code: 'invalid-argument', message: 'The review policy must be one of fix, stop, not "ignore" (--review-policy or MINIONS_REVIEW_POLICY).' });
  });

  it('turns --review, --no-review, --review-model and --review-policy into settings, refusing both flags at once', () => {
    assert.deepEqual(reviewFlags({}), {});
    assert.deepEqual(reviewFlags({ review: true, 'review-model': 'judge:14b', 'review-policy': 'stop' }), { review: true, reviewModel: 'judge:14b', reviewPolicy: 'stop' });
    assert.deepEqual(reviewFlags({ 'no-review': true }), { review: false });
    assert.throws(() => reviewFlags({ review: true, 'no-review': true }), { code: 'invalid-argument' });
  });
});

describe('review in the CLI', () => {
  it('prints the start of a review and its verdict with the findings', () => {
    assert.equal(describeAgentEvent({ type: 'review-start', data: { model: 'judge:14b', round: 1, files: 3, diffTokens: 12_345, cut: ['src/big.js'] } }), '  review by judge:14b (after the fix round): 3 file(s), ~12,345 tokens of diff; cut to fit: src/big.js');
    assert.equal(
      describeAgentEvent({ type: 'review-end', data: { round: 0, review } }),
      '  review: judge:14b: 2 finding(s), 1 severe; severe findings: delivery stopped\n    major tests-weakened test/a.test.js: The test file is deleted. (found by minions)\n    minor style src/a.js:4: Long line.',
    );
    const failed: Review = { ...review, findings: [], severe: 0, action: 'failed', notes: ['Ollama at http://127.0.0.1:1 is not running'] };
    assert.equal(describeAgentEvent({ type: 'review-end', data: { round: 0, review: failed } }), '  review: judge:14b: 0 finding(s), 0 severe; the reviewer FAILED; the change is unreviewed\n    Ollama at http://127.0.0.1:1 is not running');
  });

  it('puts the review in the result summary', () => {
    const result: TaskResult = { outcome: 'failed', reason: 'the review found 1 severe finding', branch: 'minions/t', commit: 'a'.repeat(40), diff: '', prTitle: 'WIP: x', prBody: '', checks: [], guardrails: { passed: true, violations: [] }, rounds: 0, tokens: { input: 1, output: 2 }, wallMs: 1000, review };
    assert.match(describeResult(result, '/repo'), /\nGuardrails: passed\nReview: judge:14b: 2 finding\(s\), 1 severe; severe findings: delivery stopped\n {2}major tests-weakened test\/a\.test\.js: The test file is deleted\. \(found by minions\)\n {2}minor style src\/a\.js:4: Long line\.\nFix rounds: 0/);
  });
});
