// Unit tests of check judging: failing tests named in the outputs of the common runners,
// missing tools, the comparison with the base, the baseline cache file, and the flag on a
// behaviour fix that only changed tests.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { baselineCacheFile, readCachedBaseline, writeCachedBaseline } from '../../agent/checks/baseline.js';
import type { CheckPlan } from '../../agent/checks/discover.js';
import { failingTests } from '../../agent/checks/failing-tests.js';
import { baselineCheck, isUnavailable, judgeCheck } from '../../agent/checks/judge.js';
import { testOnlyChange } from '../../agent/checks/test-only.js';

const worktree = '/work/trees/task1';
const ids = (output: string, exitCode = 1): string[] | undefined => {
  const found = failingTests(output, exitCode, worktree);
  return found === undefined ? undefined : [...found.keys()];
};

describe('failing tests in runner output', () => {
  it('names them for node:test (TAP and spec), pytest, unittest, go, cargo, jest and vitest', () => {
    const tap = `# Subtest: ${worktree}/test/math.test.js\n    # Subtest: add\n    not ok 1 - add\n      ---\n      duration_ms: 1.2\n      failureType: 'testCodeFailure'\n      error: '1 !== 2'\n      ...\n    # Subtest: later\n    not ok 2 - later # TODO\n    ok 3 - multiply\nnot ok 1 - ${worktree}/test/math.test.js\n  ---\n  failureType: 'subtestsFailed'\n  ...\n1..1\n# tests 2`;
    assert.deepEqual(ids(tap), ['add']);
    assert.deepEqual(ids('✖ adds (6.4ms)\n  AssertionError: 1 !== 2\n✔ b (0.2ms)\nℹ tests 2\n✖ failing tests:\n\n✖ adds (6.4ms)\n  AssertionError: 1 !== 2\n'), ['adds']);
    assert.deepEqual(ids('=== short test summary info ===\nFAILED tests/test_ops.py::OpsTest::test_add - AssertionError: -1 != 5\nERROR tests/test_io.py\n2 failed in 1.00s\n'), ['tests/test_ops.py::OpsTest::test_add', 'tests/test_io.py']);
    assert.deepEqual(ids('=====\nFAIL: test_add (tests.test_ops.OpsTest.test_add)\n-----\nTraceback\nERROR: test_io (tests.test_io.IoTest.test_io)\n-----\nRan 2 tests in 0.001s\n\nFAILED (failures=1, errors=1)\n'), ['test_add (tests.test_ops.OpsTest.test_add)', 'test_io (tests.test_io.IoTest.test_io)']);
    assert.deepEqual(ids('=== RUN   TestAdd\n--- FAIL: TestAdd (0.00s)\n    math_test.go:9: got -1\nFAIL\nFAIL\texample.com/calc\t0.002s\nFAIL\texample.com/broken [build failed]\n'), ['TestAdd', 'example.com/broken']);
    assert.deepEqual(ids('running 2 tests\ntest tests::adds ... FAILED\ntest tests::multiplies ... ok\n\nfailures:\n\n---- tests::adds stdout ----\n'), ['tests::adds']);
    assert.deepEqual(ids('  ✓ multiplies (2 ms)\n  ✕ adds (5 ms)\n\n  ● math › adds\n'), ['adds']);
    assert.deepEqual(ids(' × adds 3ms\n ✓ multiplies\n'), ['adds']);
  });

  it('says when none can be named in a failed run, and finds none in a passing one', () => {
    assert.equal(ids('Traceback (most recent call last):\nSyntaxError: invalid syntax\n'), undefined);
    assert.deepEqual(ids('ok 1 - add\n1..1\n', 0), []);
  });

  it('keeps a failure signature independent of the worktree, durations and line numbers', () => {
    const at = (tree: string, line: number, ms: string): Map<string, string> | undefined =>
      failingTests(`not ok 1 - add\n  ---\n  duration_ms: ${ms}\n  location: '${tree}/test/math.test.js:${line}:1'\n  error: 'took ${ms}ms'\n  ...\nok 2 - b\n`, 1, tree);
    assert.deepEqual(at('/w/a', 5, '1.5'), at('/w/b', 9, '20.25'));
  });
});

describe('judging a check against the base', () => {
  const base = (output: string, exitCode = 1): ReturnType<typeof baselineCheck> => baselineCheck('test', 'npm test', exitCode, output, '/w/base');

  it('treats exit 127, a shell not finding the program, python without the module, and ENOENT as a missing tool', () => {
    assert.equal(isUnavailable(127, ''), true);
    assert.equal(isUnavailable(2, 'sh: 1: ruff: not found\n'), true);
    assert.equal(isUnavailable(1, '/usr/bin/python3: No module named pytest\n'), true);
    assert.equal(isUnavailable(1, 'Error: spawn eslint ENOENT\n'), true);
    assert.equal(isUnavailable(1, 'not ok 1 - page: not found handling\n'), false);
    assert.equal(isUnavailable(0, 'sh: 1: ruff: not found'), false);
  });

  it('blocks on new failures and on failures that changed, not on the same ones, and reports tests that now pass', () => {
    const before = [base('not ok 1 - a\n  error: one\nnot ok 2 - b\n  error: two\n')];
    assert.deepEqual(judgeCheck('test', 'npm test', 1, 'not ok 1 - b\n  error: two\n', '/w/now', before), { status: 'failed-before', newFailures: [], preexisting: ['b'], nowPassing: ['a'] });
    assert.deepEqual(judgeCheck('test', 'npm test', 1, 'not ok 1 - b\n  error: three\n', '/w/now', before), { status: 'failed', newFailures: ['b'], preexisting: [], nowPassing: ['a'] });
    assert.deepEqual(judgeCheck('test', 'npm test', 1, 'not ok 1 - b\n  error: two\nnot ok 2 - c\n', '/w/now', before), { status: 'failed', newFailures: ['c'], preexisting: ['b'], nowPassing: ['a'] });
    assert.deepEqual(judgeCheck('test', 'npm test', 0, 'ok 1 - a\n', '/w/now', before), { status: 'passed', nowPassing: ['a', 'b'] });
    // Related tests are a subset of the suite: compared with its failures, never with its passes.
    assert.equal(judgeCheck('related-test', 'node --test test/b.test.js', 1, 'not ok 1 - b\n  error: two\n', '/w/now', before).status, 'failed-before');
    assert.equal(judgeCheck('test', 'npm test', 1, 'not ok 1 - b\n', '/w/now', undefined).status, 'failed', 'without a baseline every failure blocks');
  });

  it('falls back to the output when no test can be named: the same exit code and no line the base did not print', () => {
    const before = [baselineCheck('lint', 'make lint', 2, 'src/a.py:3:1: E501 line too long (120 > 88)\nFound 1 error.\n', '/w/base')];
    assert.equal(judgeCheck('lint', 'make lint', 2, 'src/a.py:9:1: E501 line too long (121 > 88)\nFound 1 error.\n', '/w/now', before).status, 'failed-before');
    assert.equal(judgeCheck('lint', 'make lint', 2, 'src/a.py:3:1: E501 line too long (120 > 88)\nsrc/b.py:1:1: F401 unused import\nFound 2 errors.\n', '/w/now', before).status, 'failed');
    assert.equal(judgeCheck('lint', 'make lint', 1, 'src/a.py:3:1: E501 line too long (120 > 88)\n', '/w/now', before).status, 'failed');
  });
});

describe('the baseline cache', () => {
  const plan: CheckPlan = { format: ['ruff format .'], fix: [], lint: ['ruff check .'], test: ['python3 -m unittest'], related: undefined, commands: [], protected: [], sources: [], problems: [], refused: [] };

  it('keys a file by commit and check commands, ignores the autofixes, and writes it whole', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'minions-baselines-'));
    try {
      const commit = 'a'.repeat(40);
      const file = baselineCacheFile(directory, commit, plan);
      assert.equal(baselineCacheFile(directory, commit, { ...plan, format: [] }), file);
      assert.notEqual(baselineCacheFile(directory, commit, { ...plan, test: ['pytest'] }), file);
      assert.equal(await readCachedBaseline(file), undefined);
      const checks = [baselineCheck('test', 'python3 -m unittest', 1, 'FAIL: test_a (t.T.test_a)\n', directory)];
      await writeCachedBaseline(file, commit, checks);
      assert.deepEqual(await readCachedBaseline(file), checks);
      assert.deepEqual(await readdir(directory), [file.slice(directory.length + 1)], 'no temporary file is left');
      await writeFile(file, '{"version": 1, "checks": ');
      assert.equal(await readCachedBaseline(file), undefined, 'a damaged file is a miss, not an error');
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe('a behaviour fix that only changed tests', () => {
  it('is flagged; a task about tests, or a change to code, is not', () => {
    assert.match(testOnlyChange('Fix the add function: it subtracts.', ['test/math.test.js']) ?? '', /^Only test files changed/);
    assert.match(testOnlyChange('parse_date should accept ISO weeks', ['tests/test_dates.py', 'tests/fixtures/weeks.txt']) ?? '', /^Only test files changed/);
    assert.equal(testOnlyChange('Fix the add function: it subtracts.', ['src/math.js', 'test/math.test.js']), undefined);
    assert.equal(testOnlyChange('Add tests for multiply', ['test/math.test.js']), undefined);
    assert.equal(testOnlyChange('Fix the flaky test in test/io.test.js', ['test/io.test.js']), undefined);
    assert.equal(testOnlyChange('Document the API', ['docs/api.md']), undefined);
  });
});
