// The report's arithmetic: which baseline runs a model is compared with, the threshold
// (rates of small counts compared without float noise), and the table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EvalReport, EvalRun } from '../../../schemas/index.js';
import { buildReport, compare, renderReport } from '../../../server/eval/report.js';

const run = (model: string, task: string, verified: boolean, rounds = 0): EvalRun => ({
  task, model, verified, outcome: verified ? 'succeeded' : 'failed', commit: null, rounds, tokens: { input: 100, output: 10 }, wallMs: 1500, verification: { exitCode: verified ? 0 : 1, durationMs: 5, output: '' },
});
const report = (runs: EvalRun[]): EvalReport => buildReport('s', 'none', [...new Set(runs.map((entry) => entry.model))], runs, 0);

describe('eval report', () => {
  it('compares a model with its own baseline runs, else with a baseline of one model, else not at all', () => {
    const baseline = report([run('a', 't1', true), run('a', 't2', true), run('a', 't3', false)]);
    const same = compare('a', [run('a', 't1', true), run('a', 't2', false), run('a', 't3', true)], baseline, 0);
    assert.deepEqual(same, { model: 'a', baselineModel: 'a', baselineRate: 2 / 3, successRate: 2 / 3, newlyFailing: ['t2'], newlyPassing: ['t3'], regressed: false });
    assert.equal(compare('b', [run('b', 't1', false)], baseline, 0)?.baselineModel, 'a', 'a candidate against the only model of the baseline');
    const two = report([run('a', 't1', true), run('c', 't1', true)]);
    assert.equal(compare('b', [run('b', 't1', false)], two, 0), undefined, 'no baseline model to compare with');
    assert.equal(compare('a', [run('a', 'other', false)], baseline, 0), undefined, 'no task in common');
  });

  it('regresses only beyond the threshold, over the tasks both ran', () => {
    const baseline = report([run('a', 't1', true), run('a', 't2', true), run('a', 't3', true), run('a', 'gone', false)]);
    const now = [run('a', 't1', true), run('a', 't2', true), run('a', 't3', false), run('a', 'new', false)];
    assert.equal(compare('a', now, baseline, 0)?.regressed, true);
    assert.equal(compare('a', now, baseline, 1 / 3)?.regressed, false, 'a drop of exactly the threshold passes');
    assert.equal(compare('a', now, baseline, 0.3)?.regressed, true);
    const built = buildReport('s', 'none', ['a'], now, 0.3, baseline);
    assert.equal(built.regressed, true);
    assert.deepEqual(built.models[0], { model: 'a', tasks: 4, verified: 2, successRate: 0.5, agentSucceeded: 2, fixRounds: 0, tokens: { input: 400, output: 40 }, wallMs: 6000 });
  });

  it('renders a table per task and per model, and the verdict against the baseline', () => {
    const baseline = report([run('a', 't1', true), run('a', 't2', true)]);
    const text = renderReport(buildReport('starter', 'none', ['a', 'b'], [run('a', 't1', true, 1), run('a', 't2', false), run('b', 't1', true)], 0, baseline));
    assert.match(text, /^Suite starter \(index: none\)$/m);
    assert.match(text, /^t1 +pass \(agent: succeeded, 1 fix\) +pass \(agent: succeeded, 0 fix\)$/m);
    assert.match(text, /^t2 +FAIL \(agent: failed, 0 fix\) +-$/m);
    assert.match(text, /^a +1\/2 +50% +1 +1 +200 +20 +3\.0 s$/m);
    assert.match(text, /^a vs baseline a: 50% \(was 100%\), REGRESSED beyond the threshold of 0%; newly failing: t2$/m);
    assert.match(text, /^b vs baseline a: 100% \(was 100%\), no regression$/m);
  });
});
