// `minions context` in-process on a real index of a small git repository: the sections
// the agent's first prompt would hold (task, rules, code, repository), the spans of the
// code shown, token totals within the budget; the default budget; usage errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { contextBudget } from '../../agent/index.js';
import { lazyEmbedder, openIndex } from '../../indexer/index.js';
import type { ContextResponse } from '../../schemas/index.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { calculatorFiles, makeRepo, type FixtureRepo } from '../agent/agent-fixtures.js';
import { runCli } from './cli-run.js';

describe('minions context', () => {
  let repo: FixtureRepo;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    repo = await makeRepo(calculatorFiles);
    const dataDir = join(repo.worktrees, '..', 'data');
    // Built with the recording embedder: the command's default embedder differs, so its query is BM25, and no model loads.
    const index = await openIndex({ dataDir, embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
    for await (const event of (await index.repository(repo.root)).index()) void event;
    await index.close();
    env = { MINIONS_DATA_DIR: dataDir, MINIONS_THREADS: '1', PATH: process.env.PATH };
  });
  after(() => repo.dispose());

  it('prints the ContextResponse with --json: sections, spans and tokens within the budget', async () => {
    const result = await runCli(['context', repo.root, 'Fix add in src/math.js: it subtracts', '--budget', '800', '--json'], repo.root, env);
    assert.equal(result.code, 0, result.stderr);
    const response = JSON.parse(result.stdout) as ContextResponse;
    assert.equal(response.budget, 800);
    assert.deepEqual(response.sections.map((section) => section.kind), ['task', 'rules', 'code', 'repository']);
    assert.equal(response.sections[0]?.text, '# Task\nFix add in src/math.js: it subtracts');
    const code = response.sections.find((section) => section.kind === 'code');
    assert.deepEqual(code?.spans[0], { path: 'src/math.js', startLine: 1, endLine: 7 });
    assert.match(code?.text ?? '', /### src\/math\.js \(whole file\)\n```\n1\| export function add\(a, b\) \{\n2\| {3}return a - b;/);
    assert.deepEqual(response.sections.find((section) => section.kind === 'rules')?.spans.map((span) => span.path), ['AGENTS.md']);
    assert.ok(response.tokens <= 800 && response.tokens > 0);
    assert.ok(response.sections.reduce((sum, section) => sum + section.tokens, 0) <= 800);
    assert.ok(response.files.includes('src/math.js'));
  });

  it('prints each section with its title, tokens and spans, then the totals', async () => {
    const result = await runCli(['context', repo.root, 'Fix add in src/math.js', '--budget', '2000'], repo.root, env);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^== task: Task \(~\d+ tokens\)\n# Task\nFix add in src\/math\.js\n/);
    assert.match(result.stdout, /^== code: Code that may be relevant \(~[\d,]+ tokens\)\n {3}shows src\/math\.js:1-7(, \S+)*\n# Code that may be relevant/m);
    assert.match(result.stdout, /^-- ~[\d,]+ of 2,000 tokens \(task \d+, rules \d+, code [\d,]+, repository \d+\); files in play: src\/math\.js(, \S+)*\n$/m);
  });

  it("defaults to the agent's budget for the configured num_ctx, else the agent's default", async () => {
    const plain = JSON.parse((await runCli(['context', repo.root, 'Fix add', '--json'], repo.root, env)).stdout) as ContextResponse;
    assert.equal(plain.budget, 6000);
    const small = JSON.parse((await runCli(['context', repo.root, 'Fix add', '--json'], repo.root, { ...env, MINIONS_NUM_CTX: '4096' })).stdout) as ContextResponse;
    assert.equal(small.budget, contextBudget(4096));
    assert.ok(small.budget < 1600);
  });

  it('refuses bad usage with exit code 2', async () => {
    const missing = await runCli(['context', repo.root], repo.root, env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Usage: minions context <repo> "<task>"/);
    const tiny = await runCli(['context', repo.root, 'Fix add', '--budget', '10'], repo.root, env);
    assert.equal(tiny.code, 2);
    assert.match(tiny.stderr, /--budget must be a whole number of tokens from 256 to 262144, not "10"/);
  });
});
