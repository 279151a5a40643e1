import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { foldParts, spanKnown, symbolSpan, type PartOf } from '../../../indexer/search/fold-parts.js';
import { groupFiles } from '../../../indexer/search/group-files.js';
import { askedClasses, pathClass } from '../../../indexer/search/path-classes.js';
import { defaultRanking, fuseCandidates, type FusionCandidate } from '../../../indexer/search/search.js';

const candidate = (path: string, score: number): FusionCandidate => ({ id: path, path, _score: score });
const textOrder = (query: string, candidates: FusionCandidate[]): string[] => fuseCandidates(query, 'text', candidates, [], defaultRanking).map(({ hit }) => hit.path);

describe('path classes', () => {
  it('finds documentation anywhere, by extension, name or folder', () => {
    for (const path of ['README.md', 'CHANGELOG.md', 'CHANGELOG', 'LICENSE', 'lib/README.md', 'src/notes.rst', 'guide.txt', 'doc/fd.1', 'docs/api.js', 'man/page.js', 'pkg/HISTORY.rst', 'test/README.md']) {
      assert.equal(pathClass(path), 'docs', path);
    }
    for (const path of ['requirements.txt', 'CMakeLists.txt', 'src/readme.js', 'lib/license-check.js']) assert.notEqual(pathClass(path), 'docs', path);
  });

  it('tells tests, examples and source apart', () => {
    for (const path of ['test/a.js', 'lib/a.test.ts', 'cmd_test.go', 'tests/test_x.py', 'conftest.py', 'src/__tests__/x.ts', 'testdata/in.go']) assert.equal(pathClass(path), 'test', path);
    for (const path of ['examples/server.js', 'benchmarks/run.js', 'benches/walk.rs']) assert.equal(pathClass(path), 'example', path);
    for (const path of ['lib/reply.js', 'httpx/_models.py', 'src/walk.rs', 'command.go', 'lib/testing-utils.js']) assert.equal(pathClass(path), 'source', path);
  });

  it('lifts a class only by its own words', () => {
    assert.deepEqual([...askedClasses('fix the flaky test of reply')], ['test']);
    assert.deepEqual([...askedClasses('docs: fix a typo in the README')], ['docs']);
    assert.deepEqual([...askedClasses('update the example server')], ['example']);
    assert.deepEqual([...askedClasses('derive request.port from request.host')], []);
    assert.deepEqual([...askedClasses('add testify helper')], [], 'whole words only');
  });
});

describe('class factors in fusion', () => {
  it('ranks documentation below source unless the query asks for docs', () => {
    const candidates = [candidate('README.md', 10), candidate('lib/reply.js', 5)];
    assert.deepEqual(textOrder('hijack reply', candidates), ['lib/reply.js', 'README.md']);
    assert.deepEqual(textOrder('document hijack in the readme', candidates), ['README.md', 'lib/reply.js']);
  });

  it('gives tests a mild preference on the word "test", not a flip', () => {
    const clearlyBetter = [candidate('lib/reply.js', 10), candidate('test/reply.test.js', 14)];
    assert.deepEqual(textOrder('reply hijack', clearlyBetter), ['lib/reply.js', 'test/reply.test.js'], 'tests demoted when not asked for');
    assert.deepEqual(textOrder('reply hijack test', clearlyBetter), ['test/reply.test.js', 'lib/reply.js'], 'a clearly better test chunk moves ahead on the word');
    const close = [candidate('lib/reply.js', 10), candidate('test/reply.test.js', 11)];
    assert.deepEqual(textOrder('reply hijack test', close), ['lib/reply.js', 'test/reply.test.js'], 'a test chunk about as good as the source stays behind it');
    const [asked] = fuseCandidates('reply hijack test', 'text', [candidate('test/reply.test.js', 10)], [], defaultRanking);
    const [plain] = fuseCandidates('reply hijack', 'text', [candidate('test/reply.test.js', 10)], [], defaultRanking);
    assert.ok(asked && plain && asked.score > plain.score && asked.score < 10, 'lifted above its demoted score, not past a source chunk of its own score');
    const scores = fuseCandidates('reply hijack test', 'text', [candidate('docs/reply.md', 10)], [], defaultRanking);
    assert.equal(scores[0]?.score, 10 * defaultRanking.docsFactor, 'the word "test" leaves documentation demoted');
  });
});

const part = (index: number, count: number, start: number, end: number, name = 'Reply.send'): PartOf => ({
  path: 'lib/reply.js', qualified_name: name, part_index: index, part_count: count, start_line: start, end_line: end, content: `part ${index}`,
});

describe('folding and grouping', () => {
  it('folds the parts of one symbol at the rank of its best part', () => {
    const ranked = [
      { hit: part(2, 3, 20, 39), score: 0.9 },
      { hit: part(1, 1, 50, 60, 'Reply.code'), score: 0.8 },
      { hit: part(3, 3, 40, 55), score: 0.7 },
    ];
    const folded = foldParts(ranked);
    assert.deepEqual(folded.map((entry) => [entry.hit.qualified_name, entry.score, entry.parts.length]), [['Reply.send', 0.9, 2], ['Reply.code', 0.8, 1]]);
    const [send] = folded;
    assert.ok(send && !spanKnown(send), 'part 1 is missing');
    assert.deepEqual(symbolSpan(send, { startLine: 5, endLine: 55, signature: 'send (payload) {' }), { startLine: 5, endLine: 55, content: 'send (payload) {\npart 2', parts: 3 }, 'the stored span, the signature above the best part');
    const whole = foldParts([{ hit: part(3, 3, 40, 55), score: 1 }, { hit: part(1, 3, 5, 19), score: 0.5 }])[0];
    assert.ok(whole && spanKnown(whole));
    assert.deepEqual(symbolSpan(whole), { startLine: 5, endLine: 55, content: 'part 1', parts: 3 }, 'first and last part ranked: the first part shown');
  });

  it('scores a file by its best symbol plus a small bonus for more', () => {
    const symbols = [
      { path: 'a.js', score: 1 },
      { path: 'b.js', score: 0.9 },
      { path: 'b.js', score: 0.8 },
      { path: 'c.js', score: 0.95 },
      { path: 'b.js', score: 0.1 },
      { path: 'b.js', score: 0.1 },
    ];
    const files = groupFiles(symbols, 10, 0.2);
    assert.deepEqual(files.map((file) => [file.path, file.matches, file.best.length]), [['b.js', 4, 3], ['a.js', 1, 1], ['c.js', 1, 1]]);
    assert.ok(Math.abs((files[0]?.score ?? 0) - (0.8 + 0.2 * (0.7 + 0)) / 0.9) < 1e-9, 'scores rescaled to 0..1 over the answer; only the next two count');
    assert.deepEqual(groupFiles(symbols, 2, 0).map((file) => file.path), ['a.js', 'c.js'], 'without the bonus, the best symbol alone decides');
  });
});
