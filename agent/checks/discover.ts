// Finds a repository's formatter, linter and test commands: a `.minions.yml` first,
// then package.json scripts, a Makefile, pyproject.toml, and the go and cargo
// conventions. Each kind of check is taken from the first source that has it.
import { readWorktreeFile } from '../workspace/regular-file.js';
import { parseMinionsFile, type MinionsFile } from './minions-file.js';

/** The checks of a repository and where each came from. */
export interface CheckPlan {
  /** Autofixes, run first; their failure does not fail the checks. */
  format: string[];
  fix: string[];
  /** Blocking: lint and the test suite. */
  lint: string[];
  test: string[];
  /** Template for the tests of the change (`{files}`, `{packages}`), or undefined. */
  related: string | undefined;
  /** Extra run_command prefixes and protected globs from `.minions.yml`. */
  commands: string[];
  protected: string[];
  /** e.g. `.minions.yml, package.json`. */
  sources: string[];
  problems: string[];
  /** Why a source file was not read (the sandboxed reader refused it: a symlink to outside, a FIFO...). */
  refused: string[];
}

type Partial = Omit<CheckPlan, 'sources' | 'problems' | 'refused' | 'commands' | 'protected' | 'related'> & { related?: string };

/** Reads the repository's files (in the worktree, through the sandboxed reader) and returns its checks. */
export async function discoverChecks(root: string): Promise<CheckPlan> {
  const plan: CheckPlan = { format: [], fix: [], lint: [], test: [], related: undefined, commands: [], protected: [], sources: [], problems: [], refused: [] };
  const read = async (name: string): Promise<string | undefined> => {
    const file = await readWorktreeFile(root, name);
    if (!file.ok && !file.missing) plan.refused.push(file.error);
    return file.ok ? file.text : undefined;
  };
  const [minions, packageJson, makefile, pyproject, goMod, cargo] = await Promise.all(['.minions.yml', 'package.json', 'Makefile', 'pyproject.toml', 'go.mod', 'Cargo.toml'].map(read));
  const candidates: [string, Partial | undefined][] = [];
  if (minions !== undefined) {
    const parsed = parseMinionsFile(minions);
    plan.problems.push(...parsed.problems.map((problem) => `.minions.yml ${problem}`));
    plan.commands = parsed.file.commands ?? [];
    plan.protected = parsed.file.protected ?? [];
    candidates.push(['.minions.yml', fromMinionsFile(parsed.file)]);
  }
  candidates.push(['package.json', packageJson === undefined ? undefined : fromPackageJson(packageJson, plan.problems)]);
  candidates.push(['Makefile', makefile === undefined ? undefined : fromMakefile(makefile)]);
  candidates.push(['pyproject.toml', pyproject === undefined ? undefined : fromPyproject(pyproject)]);
  candidates.push(['go.mod', goMod === undefined ? undefined : { format: ['gofmt -w .'], fix: [], lint: ['go vet ./...'], test: ['go test ./...'], related: 'go test {packages}' }]);
  candidates.push(['Cargo.toml', cargo === undefined ? undefined : { format: ['cargo fmt'], fix: [], lint: [], test: ['cargo test'] }]);
  for (const [source, found] of candidates) {
    if (found === undefined) continue;
    let used = false;
    for (const kind of ['format', 'fix', 'lint', 'test'] as const) {
      if (plan[kind].length === 0 && found[kind].length > 0) {
        plan[kind] = found[kind];
        used = true;
      }
    }
    // Related tests follow the suite they belong to.
    if (plan.related === undefined && found.related !== undefined && plan.test === found.test) plan.related = found.related;
    if (used) plan.sources.push(source);
  }
  return plan;
}

function fromMinionsFile(file: MinionsFile): Partial {
  return { format: file.format ?? [], fix: file.fix ?? [], lint: file.lint ?? [], test: file.test ?? [], ...(file.testRelated ? { related: file.testRelated } : {}) };
}

const placeholderTest = /no test specified/;

function fromPackageJson(text: string, problems: string[]): Partial | undefined {
  let scripts: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    scripts = typeof parsed === 'object' && parsed !== null && 'scripts' in parsed && typeof parsed.scripts === 'object' && parsed.scripts !== null ? (parsed.scripts as Record<string, unknown>) : {};
  } catch {
    problems.push('package.json is not valid JSON');
    return undefined;
  }
  const has = (name: string): boolean => typeof scripts[name] === 'string';
  const pick = (names: string[]): string[] => names.filter(has).slice(0, 1).map((name) => (name === 'test' ? 'npm test' : `npm run ${name}`));
  const test = has('test') && !placeholderTest.test(String(scripts.test)) ? ['npm test'] : [];
  const script = String(scripts.test ?? '');
  const nodeTest = /\bnode\b([^&|;]*?)--test\b/.exec(script);
  const related = test.length === 0 ? undefined
    : nodeTest ? `node${(nodeTest[1] ?? '').replace(/\s+/g, ' ').trimEnd()} --test {files}`
    : /\bvitest\b/.test(script) ? 'npx --no-install vitest run {files}'
    : /\bjest\b/.test(script) ? 'npx --no-install jest {files}'
    : /\bmocha\b/.test(script) ? 'npx --no-install mocha {files}'
    : undefined;
  return { format: pick(['format', 'fmt']), fix: pick(['lint:fix', 'fix']), lint: pick(['lint']), test, ...(related ? { related } : {}) };
}

function fromMakefile(text: string): Partial {
  const targets = new Set([...text.matchAll(/^([A-Za-z0-9_.-]+)\s*:(?!=)/gm)].map((match) => match[1] ?? ''));
  const pick = (names: string[]): string[] => names.filter((name) => targets.has(name)).slice(0, 1).map((name) => `make ${name}`);
  return { format: pick(['fmt', 'format']), fix: pick(['lint-fix', 'fix']), lint: pick(['lint']), test: pick(['test', 'check']) };
}

function fromPyproject(text: string): Partial {
  const ruff = /^\[tool\.ruff/m.test(text);
  const pytest = /^\[tool\.pytest/m.test(text) || /\bpytest\b/.test(text);
  return {
    format: ruff ? ['ruff format .'] : [],
    fix: ruff ? ['ruff check --fix .'] : [],
    lint: ruff ? ['ruff check .'] : [],
    test: pytest ? ['python3 -m pytest -q'] : [],
    ...(pytest ? { related: 'python3 -m pytest -q {files}' } : {}),
  };
}

const testFile = /(?:^|\/)(?:test_[^/]+\.py|[^/]+_test\.(?:py|go)|[^/]+\.(?:test|spec)\.[cm]?[jt]sx?)$/;

/** True for files that are tests by the common naming conventions. */
export function isTestFile(path: string): boolean {
  return testFile.test(path);
}

/**
 * The test files relevant to a change: changed test files, and tracked tests named
 * after a changed source file (`a/b.ts` -> `a/b.test.ts`, `test/b.test.ts`, `test_b.py`).
 */
export function relatedTests(changed: readonly string[], tracked: readonly string[]): string[] {
  const found = new Set(changed.filter(isTestFile));
  const stems = new Set(changed.filter((path) => !isTestFile(path)).map((path) => (path.split('/').pop() ?? '').replace(/\.[^.]+$/, '')).filter((stem) => stem !== ''));
  for (const path of tracked) {
    if (!isTestFile(path)) continue;
    if (stems.has(testStem(path))) found.add(path);
  }
  return [...found].sort().slice(0, 25);
}

/** The name a test file tests: `math.test.ts`, `math_test.go`, `test_math.py` -> `math`. */
function testStem(path: string): string {
  return (path.split('/').pop() ?? '').replace(/^test_/, '').replace(/\.[^.]+$/, '').replace(/(?:\.test|\.spec|_test)$/, '');
}

/** The related-test command for a template, or undefined when there are no such tests. */
export function relatedCommand(template: string, tests: readonly string[]): string | undefined {
  if (tests.length === 0) return undefined;
  const quote = (path: string): string => (/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", `'\\''`)}'`);
  const packages = [...new Set(tests.map((path) => `./${path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.'}`.replace(/\/\.$/, '')))];
  return template.replaceAll('{files}', tests.map(quote).join(' ')).replaceAll('{packages}', packages.map(quote).join(' '));
}
