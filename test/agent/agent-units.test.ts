// Unit tests of the agent's pure parts: the fallback tool-call parser, rule-file
// scoping, check discovery (and .minions.yml), related tests, globs and the secret scan.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverChecks, relatedCommand, relatedTests } from '../../agent/checks/discover.js';
import { parseMinionsFile } from '../../agent/checks/minions-file.js';
import { applicableRules, describeRule } from '../../agent/context/rules.js';
import { redactSecrets, scanSecrets } from '../../agent/guardrails.js';
import { parseTextToolCalls } from '../../agent/model/tool-call-parser.js';
import { branchName } from '../../agent/runner.js';
import { matchesAny } from '../../agent/workspace/glob.js';

const tools = new Set(['read_file', 'edit_file', 'finish']);

describe('fallback tool-call parser', () => {
  it('reads a bare JSON call, a fenced one, and a list', () => {
    assert.deepEqual(parseTextToolCalls('{"name": "read_file", "arguments": {"path": "a.ts"}}', tools), [{ name: 'read_file', arguments: { path: 'a.ts' } }]);
    assert.deepEqual(parseTextToolCalls('Sure.\n```json\n{"name":"read_file","parameters":{"path":"b.ts"}}\n```\nThen more.', tools), [{ name: 'read_file', arguments: { path: 'b.ts' } }]);
    assert.deepEqual(
      parseTextToolCalls('[{"name":"read_file","arguments":{"path":"a"}},{"function":{"name":"finish","arguments":"{\\"summary\\":\\"ok\\"}"}}]', tools),
      [{ name: 'read_file', arguments: { path: 'a' } }, { name: 'finish', arguments: { summary: 'ok' } }],
    );
    assert.deepEqual(parseTextToolCalls('{"tool_calls":[{"type":"function","function":{"name":"finish","arguments":{"summary":"s"}}}]}', tools), [{ name: 'finish', arguments: { summary: 's' } }]);
  });

  it('reads <tool_call> tags, Qwen function XML and call syntax', () => {
    assert.deepEqual(parseTextToolCalls('<tool_call>\n{"name": "finish", "arguments": {"summary": "done"}}\n</tool_call>', tools), [{ name: 'finish', arguments: { summary: 'done' } }]);
    const xml = '<tool_call>\n<function=edit_file>\n<parameter=path>\nsrc/a.ts\n</parameter>\n<parameter=search>\n  x = 1;\n</parameter>\n<parameter=replace>\n  x = 2;\n</parameter>\n</function>\n</tool_call>';
    assert.deepEqual(parseTextToolCalls(xml, tools), [{ name: 'edit_file', arguments: { path: 'src/a.ts', search: '  x = 1;', replace: '  x = 2;' } }]);
    assert.deepEqual(parseTextToolCalls('I will call read_file({"path": "src/{weird}.ts"}) now.', tools), [{ name: 'read_file', arguments: { path: 'src/{weird}.ts' } }]);
    assert.deepEqual(parseTextToolCalls('Text mentioning {"name": "x"} and JSON {"name":"read_file","args":{"path":"c"}}.', tools), [{ name: 'read_file', arguments: { path: 'c' } }]);
  });

  it('ignores prose, unknown tools and malformed JSON', () => {
    assert.deepEqual(parseTextToolCalls('The function returns {a: 1}.', tools), []);
    assert.deepEqual(parseTextToolCalls('{"name": "delete_everything", "arguments": {}}', tools), []);
    assert.deepEqual(parseTextToolCalls('{"name": "read_file", "arguments": {"path": ', tools), []);
    assert.deepEqual(parseTextToolCalls('', tools), []);
  });
});

describe('rule files', () => {
  const rules = [
    describeRule('AGENTS.md', 'root rules'),
    describeRule('packages/api/AGENTS.md', 'api rules'),
    describeRule('packages/web/CLAUDE.md', 'web rules'),
    describeRule('.cursor/rules/react.mdc', '---\ndescription: React\nglobs: src/**/*.{tsx,jsx}, *.css\nalwaysApply: false\n---\nUse hooks.'),
    describeRule('.cursor/rules/always.mdc', '---\nalwaysApply: true\n---\nBe terse.'),
    describeRule('.cursor/rules/manual.mdc', '---\ndescription: only on request\n---\nManual.'),
    describeRule('packages/web/.cursor/rules/web.mdc', '---\nglobs:\n  - "src/**"\n---\nWeb only.'),
    describeRule('.github/copilot-instructions.md', 'copilot'),
    describeRule('.github/instructions/py.instructions.md', '---\napplyTo: "**/*.py"\n---\nPython rules.'),
  ];
  const applied = (files: string[]): string[] => applicableRules(rules, files).map((rule) => rule.path);

  it('reads front matter: globs with braces, lists, alwaysApply', () => {
    assert.deepEqual(rules[3]?.globs, ['src/**/*.{tsx,jsx}', '*.css']);
    assert.equal(rules[3]?.content, 'Use hooks.');
    assert.deepEqual(rules[6]?.globs, ['src/**']);
    assert.equal(rules[6]?.folder, 'packages/web');
  });

  it('applies rules by folder and glob to the files in play', () => {
    assert.deepEqual(applied(['packages/api/server.ts']), ['.cursor/rules/always.mdc', '.github/copilot-instructions.md', 'AGENTS.md', 'packages/api/AGENTS.md']);
    assert.deepEqual(applied(['src/ui/Button.tsx', 'styles/site.css']), ['.cursor/rules/always.mdc', '.cursor/rules/react.mdc', '.github/copilot-instructions.md', 'AGENTS.md']);
    assert.deepEqual(applied(['packages/web/src/app.ts']), ['.cursor/rules/always.mdc', '.github/copilot-instructions.md', 'AGENTS.md', 'packages/web/.cursor/rules/web.mdc', 'packages/web/CLAUDE.md']);
    assert.deepEqual(applied(['packages/web/README.md', 'tools/x.py']), [
      '.cursor/rules/always.mdc', '.github/copilot-instructions.md', '.github/instructions/py.instructions.md', 'AGENTS.md', 'packages/web/CLAUDE.md',
    ]);
  });
});

describe('check discovery', () => {
  async function discover(files: Record<string, string>) {
    const root = await mkdtemp(join(tmpdir(), 'minions-checks-'));
    try {
      for (const [path, content] of Object.entries(files)) await writeFile(join(root, path), content);
      return await discoverChecks(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  it('reads package.json scripts and derives related tests from the runner', async () => {
    const plan = await discover({ 'package.json': JSON.stringify({ scripts: { test: 'node --import tsx --test', lint: 'eslint .', 'lint:fix': 'eslint . --fix', format: 'prettier -w .' } }) });
    assert.deepEqual([plan.format, plan.fix, plan.lint, plan.test, plan.related, plan.sources], [['npm run format'], ['npm run lint:fix'], ['npm run lint'], ['npm test'], 'node --import tsx --test {files}', ['package.json']]);
    const placeholder = await discover({ 'package.json': JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }) });
    assert.deepEqual(placeholder.test, []);
    const vitest = await discover({ 'package.json': JSON.stringify({ scripts: { test: 'vitest run' } }) });
    assert.equal(vitest.related, 'npx --no-install vitest run {files}');
  });

  it('reads Makefile targets, pyproject tools and go and cargo conventions', async () => {
    const make = await discover({ Makefile: 'fmt:\n\tgofmt -w .\nlint:\n\tgo vet ./...\ntest: build\n\tgo test ./...\nVAR := 1\n' });
    assert.deepEqual([make.format, make.lint, make.test], [['make fmt'], ['make lint'], ['make test']]);
    const python = await discover({ 'pyproject.toml': '[project]\nname = "x"\n[tool.ruff]\nline-length = 100\n[tool.pytest.ini_options]\n' });
    assert.deepEqual([python.format, python.fix, python.test, python.related], [['ruff format .'], ['ruff check --fix .'], ['python3 -m pytest -q'], 'python3 -m pytest -q {files}']);
    const go = await discover({ 'go.mod': 'module x\n' });
    assert.deepEqual([go.lint, go.test, go.related], [['go vet ./...'], ['go test ./...'], 'go test {packages}']);
    assert.deepEqual((await discover({ 'Cargo.toml': '[package]\n' })).test, ['cargo test']);
    assert.deepEqual((await discover({})).sources, []);
  });

  it('lets .minions.yml state checks, commands and protected paths, and fills the rest', async () => {
    const file = '# checks\ntest: make check   # the suite\ntest_related: "node --test {files}"\ncommands:\n  - npm run build\nprotected:\n  - "db/migrations/**"\n';
    const plan = await discover({ '.minions.yml': file, 'package.json': JSON.stringify({ scripts: { test: 'node --test', lint: 'eslint .' } }) });
    assert.deepEqual([plan.test, plan.lint, plan.related, plan.commands, plan.protected, plan.sources], [['make check'], ['npm run lint'], 'node --test {files}', ['npm run build'], ['db/migrations/**'], ['.minions.yml', 'package.json']]);
    assert.deepEqual(parseMinionsFile('oops\n  - item\n').problems, ['line 1: expected "key: value"', 'line 2: a list item outside a key']);
  });

  it('finds the tests related to a change', () => {
    const tracked = ['src/math.js', 'test/math.test.js', 'test/other.test.js', 'pkg/util_test.go', 'tests/test_util.py', 'src/math.spec.ts'];
    assert.deepEqual(relatedTests(['src/math.js'], tracked), ['src/math.spec.ts', 'test/math.test.js']);
    assert.deepEqual(relatedTests(['pkg/util.go', 'test/other.test.js'], tracked), ['pkg/util_test.go', 'test/other.test.js', 'tests/test_util.py']);
    assert.equal(relatedCommand('go test {packages}', ['pkg/util_test.go']), 'go test ./pkg');
    assert.equal(relatedCommand('node --test {files}', ["it's.test.js"]), "node --test 'it'\\''s.test.js'");
    assert.equal(relatedCommand('node --test {files}', []), undefined);
  });
});

describe('globs, secrets and branch names', () => {
  it('matches globs like .gitignore', () => {
    assert.equal(matchesAny('.github/workflows/ci.yml', ['.github/workflows/**']), true);
    assert.equal(matchesAny('config/.env.local', ['.env.*']), true);
    assert.equal(matchesAny('src/a.tsx', ['src/**/*.{ts,tsx}']), true);
    assert.equal(matchesAny('src/deep/a.ts', ['src/*.ts']), false);
    assert.equal(matchesAny('src/a.js', ['*.ts', '[!s]rc/**']), false);
  });

  it('finds secrets on added lines only, with their place, and redacts them', () => {
    const diff = [
      'diff --git a/a.js b/a.js', '--- a/a.js', '+++ b/a.js', '@@ -1,2 +1,4 @@', ' const x = 1;', "-const old = 'AKIAZ7QWERTYUIOPASDF';",
      "+const token = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';", '+-----BEGIN OPENSSH PRIVATE KEY-----', "+const apiKey = 'example-not-a-secret-really-long';",
    ].join('\n');
    assert.deepEqual(scanSecrets(diff), [{ kind: 'GitHub token', path: 'a.js', line: 2 }, { kind: 'private key', path: 'a.js', line: 3 }]);
    assert.doesNotMatch(redactSecrets(diff), /ghp_/);
    assert.match(redactSecrets(diff), /AKIAZ7QWERTYUIOPASDF/, 'removed lines are left alone');
    assert.deepEqual(scanSecrets("+++ b/c.js\n@@ -0,0 +1 @@\n+const password = 'hunter2-hunter2-hunter2-x';"), [{ kind: 'hard-coded credential', path: 'c.js', line: 1 }]);
  });

  it('names branches minions/<task-id>-<slug>', () => {
    assert.equal(branchName('01HX', 'Fix the add() function, please!'), 'minions/01HX-fix-the-add-function-please');
    assert.equal(branchName('t/1', '!!!'), 'minions/t1');
  });
});
