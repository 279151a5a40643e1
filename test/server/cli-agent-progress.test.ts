import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { AgentEvent } from '../../schemas/index.js';
import { describeAgentEvent, printAgentEvent } from '../../server/cli/agent-progress.js';
import { describeResult } from '../../server/cli/result-output.js';

const command = { node: 'checks', command: 'npm  test\n', exitCode: null, signal: 'SIGTERM', timedOut: false, durationMs: 1500, output: '' };

const sandbox = { node: 'checks', command: 'npm test', method: 'none' as const, networkIsolated: true, pidNamespace: false, capabilitiesDropped: false, memoryCapBytes: 0, writable: ['/w'] };

const trim = { node: 'implement', step: 3, reason: 'budget' as const, numCtx: 4096, limitTokens: 2867, estimatedTokens: 2800, reportedTokens: null, elidedOutputs: 0, droppedTurns: 0, shrunk: false, retry: 0 };

describe('minions run progress lines', () => {
  it('prints one line per event worth showing, from the typed event', () => {
    const lines: [AgentEvent, string | undefined][] = [
      [{ type: 'run-start', data: { taskId: 't1', repo: '/r', base: 'HEAD', branch: 'minions/t1', models: { implement: 'coder:7b', fix: 'coder:7b' }, blueprint: 'default' } }, 'task t1: /r at HEAD -> branch minions/t1 (models: coder:7b)'],
      [{ type: 'node-start', data: { node: 'fix', kind: 'agentic', round: 1 } }, '[fix] start (round 2)'],
      [{ type: 'node-start', data: { node: 'prepare', kind: 'deterministic', round: 0 } }, '[prepare] start'],
      [{ type: 'node-end', data: { node: 'deliver', kind: 'deterministic', round: 0, status: 'ok', durationMs: 12.4, note: 'one\n file' } }, '[deliver] ok in 12 ms: one file'],
      [{ type: 'command-end', data: command }, '  $ npm test -> exit SIGTERM in 1.5 s'],
      [{ type: 'command-end', data: { ...command, signal: null, timedOut: true } }, '  $ npm test -> timed out in 1.5 s'],
      [{ type: 'command-start', data: { node: 'checks', command: 'npm test', pid: 4 } }, undefined],
      [{ type: 'command-sandbox', data: { ...sandbox, method: 'bwrap', pidNamespace: true, capabilitiesDropped: true, memoryCapBytes: 1024 } }, undefined],
      [{ type: 'command-sandbox', data: sandbox }, '  ! unsandboxed (allowed explicitly): $ npm test'],
      [{ type: 'tool-call', data: { node: 'implement', step: 2, tool: 'read_file', arguments: '{"path":"x"}', ok: false, durationMs: 1, result: 'No such file' } }, '  error read_file {"path":"x"}: No such file'],
      [{ type: 'checks-discover', data: { source: 'package.json', format: [], fix: [], lint: ['npm run lint'], test: ['npm test'], related: [] } }, '  checks from package.json: npm run lint; npm test'],
      [
        { type: 'checks-baseline', data: { commit: 'f'.repeat(40), cached: true, durationMs: 3, results: [{ kind: 'lint', command: 'ruff check .', exitCode: 127, status: 'unavailable', failing: [] }, { kind: 'test', command: 'pytest', exitCode: 1, status: 'failed', failing: ['t.py::a', 't.py::b'] }] } },
        '  baseline on ffffffffffff (cached): ruff check . unavailable; pytest failed (2 failing: t.py::a, t.py::b)',
      ],
      [{ type: 'guardrail-check', data: { passed: false, violations: ['a', 'b'], files: 1, lines: 2 } }, '  guardrails: FAILED: a; b'],
      // A model load is shown when it starts (a cold load takes a minute) and when it ends.
      [{ type: 'model-load', data: { model: 'qwen2.5-coder:7b', phase: 'start' } }, '  loading qwen2.5-coder:7b…'],
      [{ type: 'model-load', data: { model: 'qwen2.5-coder:7b', phase: 'end', durationMs: 61_234, alreadyLoaded: false } }, '  qwen2.5-coder:7b loaded in 61.2 s'],
      [{ type: 'model-load', data: { model: 'coder:7b', phase: 'end', durationMs: 4, alreadyLoaded: true } }, '  coder:7b was already loaded in 4 ms'],
      [
        { type: 'model-retry', data: { node: 'implement', model: 'coder:7b', attempt: 1, attempts: 3, kind: 'busy', reason: 'HTTP 503: server busy, please try again.  maximum pending requests exceeded', delayMs: 1000 } },
        '  model coder:7b failed (attempt 1 of 3): HTTP 503: server busy, please try again. maximum pending requests exceeded; retrying in 1.0 s',
      ],
      [{ type: 'limit-reach', data: { node: 'fix', limit: 'steps', value: 20 } }, '  limit: steps reached (20)'],
      [{ type: 'checkout-check', data: { uncommitted: [], included: false, commit: 'c' } }, undefined],
      [{ type: 'checkout-check', data: { uncommitted: ['a.js', 'b.md'], included: false, commit: 'c' } }, '  ! 2 uncommitted change(s) in your checkout (a.js, b.md) are NOT part of this task (it starts from the commit; use --from-working-tree to include them)'],
      [{ type: 'checkout-check', data: { uncommitted: ['a.js'], included: true, commit: 'c' } }, '  starting from the working tree: 1 uncommitted change(s) in your checkout (a.js) committed first on the branch'],
      [{ type: 'worktree-remove', data: { path: '/w', branchKept: null, branchDeleted: 'minions/t1' } }, '  worktree removed; nothing committed, so branch minions/t1 was deleted'],
      [{ type: 'context-trim', data: { ...trim, elidedOutputs: 3, droppedTurns: 1, shrunk: true } }, '  context: 3 old outputs elided, 1 turns left out, the latest output shortened to fit num_ctx 4096 (~2,800 tokens sent)'],
      [{ type: 'context-trim', data: { ...trim, reason: 'truncated', reportedTokens: 4096, retry: 1 } }, '  context: Ollama cut a prompt at num_ctx 4096 (4,096 tokens); retry 1 within 2,867 tokens'],
      [{ type: 'context-trim', data: { ...trim, reason: 'rejected', retry: 2 } }, '  context: Ollama refused a prompt over num_ctx 4096; retry 2 within 2,867 tokens'],
      [{ type: 'run-end', data: { outcome: 'failed', reason: 'checks failed', branch: 'b', commit: null, rounds: 2, tokens: { input: 1234, output: 5 }, wallMs: 2500, nodes: [] } }, 'failed in 2.5 s: 2 fix round(s), 1,234 tokens in / 5 out; checks failed'],
    ];
    for (const [event, line] of lines) assert.equal(describeAgentEvent(event), line, event.type);
  });

  it('writes the line to the stream, and nothing for an event it does not show', () => {
    const stream = new PassThrough();
    printAgentEvent(stream, { type: 'worktree-remove', data: { path: '/w', branchKept: 'minions/t1' } });
    printAgentEvent(stream, { type: 'check-end', data: { name: 'test', command: 'npm test', exitCode: 0, passed: true, durationMs: 1, output: '', kind: 'test' } });
    assert.equal(stream.read()?.toString(), '  worktree removed; branch minions/t1 kept\n');
  });

  it('prints the push, the pull request and a publishing failure, live and in the result', () => {
    assert.equal(describeAgentEvent({ type: 'publish-push', data: { remote: 'https://forge.example/o/r.git', branch: 'minions/t1', commit: 'c', alreadyPresent: true } }), '  pushed minions/t1 to https://forge.example/o/r.git (already there)');
    assert.equal(describeAgentEvent({ type: 'publish-pull-request', data: { forge: 'github', url: 'https://forge.example/o/r/pull/7', number: 7, draft: true, created: true } }), '  pull request opened: https://forge.example/o/r/pull/7 (draft)');
    const result = {
      outcome: 'failed' as const, branch: 'minions/t1', commit: 'c'.repeat(40), diff: '', prTitle: 'WIP: x', prBody: '', checks: [], guardrails: { passed: true, violations: [] }, rounds: 0, tokens: { input: 1, output: 1 }, wallMs: 1,
      publication: { push: { remote: 'https://forge.example/o/r.git', branch: 'minions/t1', commit: 'c', alreadyPresent: false }, pullRequest: { forge: 'gitea' as const, url: 'https://forge.example/o/r/pulls/7', number: 7, draft: true, created: false } },
    };
    const text = describeResult(result, '/r');
    assert.match(text, /^Pushed: minions\/t1 to https:\/\/forge\.example\/o\/r\.git$/m);
    assert.match(text, /^Pull request: https:\/\/forge\.example\/o\/r\/pulls\/7 \(draft\) \(already open\)$/m);
    assert.match(describeResult({ ...result, publication: { error: 'GitHub at api.github.com refused to open a pull request (401)' } }, '/r'), /^Publishing failed: GitHub at api\.github\.com refused/m);
  });
});
