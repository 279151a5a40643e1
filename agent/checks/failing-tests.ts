// Failing tests named in a test runner's output, each with a signature of how it failed,
// so the checks after a change can be compared with the same checks at the base commit:
// node:test (TAP `not ok N - name`, spec `✖ name`), pytest (`FAILED path::name`),
// unittest (`FAIL: name (module.Class)`, `ERROR:`), go (`--- FAIL: Name`), cargo
// (`test name ... FAILED`), jest and vitest (`✕ name`, `× name`).

/** Lines that name one failing test; the first group is its identifier. */
const identifierPatterns: readonly RegExp[] = [
  /^\s*not ok \d+ - (.+)$/,
  /^(?:FAILED|ERROR) (\S+\.py(?:::\S+)?)(?: - .*)?$/,
  /^(?:FAIL|ERROR): (.+)$/,
  /^\s*--- FAIL: (\S+)/,
  /^FAIL\s+(\S+)\s+\[(?:build|setup) failed\]$/,
  /^test (\S+) \.\.\. FAILED$/,
  /^\s*[✕×✖]\s+(.+?)$/,
];

/** Lines that end a failing test's block: another test, a separator, a runner's summary. */
const boundaryPatterns: readonly RegExp[] = [
  /^\s*ok \d+ /,
  /^\s*# (?:Subtest|tests|suites|pass|fail|cancelled|skipped|todo|duration_ms)\b/,
  /^\s*1\.\.\d+/,
  /^={5,}/,
  /^Ran \d+ tests?/,
  /^(?:OK|FAILED)(?: \(.*\))?$/,
  /\b\d+ (?:passed|failed|errors?)\b.*\bin [\d.]+\s*s/,
  /^test result:/,
  /^test \S+ \.\.\. (?:ok|ignored)$/,
  /^---- .* ----$/,
  /^(?:=== RUN|--- PASS|--- SKIP|PASS$|FAIL$|ok\s)/,
  /^\s*[✓✔√ℹ]/,
  /^(?:Tests?|Test Files|Test Suites|Snapshots|Time):/,
];

const maxBlockLines = 40;

/**
 * Text made comparable between two runs in different worktrees at different times:
 * the worktree's path, durations, line and column numbers and addresses are taken out.
 */
export function normalizeOutput(text: string, worktree: string): string {
  return text
    .split(worktree).join('<worktree>')
    .replace(/duration_ms: .*/g, '')
    // TAP numbers tests by position: another test added before this one renumbers it.
    .replace(/^(\s*(?:not )?ok) \d+ /gm, '$1 ')
    .replace(/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds)\b/g, '<time>')
    .replace(/:\d+(?::\d+)?\b/g, '')
    .replace(/, line \d+/g, ', line')
    .replace(/\b0x[0-9a-f]+\b/gi, '0x')
    .split('\n')
    // Indentation is dropped: a runner nests the same test deeper when it runs more files.
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
}

function identifierOf(line: string): string | undefined {
  for (const pattern of identifierPatterns) {
    const match = pattern.exec(line);
    if (match?.[1] === undefined) continue;
    const id = match[1].replace(/\s+\(?\d+(?:\.\d+)?\s*m?s\)?$/, '').trim();
    // TAP's expected failures, and spec reporters' headings, are not failing tests.
    if (/#\s*(?:TODO|SKIP)\b/i.test(id) || /^failing tests:?$/.test(id)) return undefined;
    return id;
  }
  return undefined;
}

/**
 * The failing tests of an output by identifier, each with its normalized failure block
 * (its signature). Undefined when the command failed but no identifier could be read:
 * then only the whole output can be compared. Parent entries that fail only because a
 * subtest did (node:test's `subtestsFailed`) are left out: their subtests carry the news.
 */
export function failingTests(output: string, exitCode: number | null, worktree: string): Map<string, string> | undefined {
  const failing = new Map<string, string>();
  const lines = output.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const id = identifierOf(lines[index] ?? '');
    if (id === undefined) continue;
    const block = [lines[index] ?? ''];
    for (let next = index + 1; next < lines.length && block.length < maxBlockLines; next += 1) {
      const line = lines[next] ?? '';
      if (identifierOf(line) !== undefined || boundaryPatterns.some((pattern) => pattern.test(line))) break;
      block.push(line);
    }
    const text = block.join('\n');
    if (/failureType: '?subtestsFailed/.test(text)) continue;
    const key = normalizeOutput(id, worktree).replace(/^<worktree>\//, '');
    const signature = normalizeOutput(text, worktree);
    failing.set(key, failing.has(key) ? `${failing.get(key) ?? ''}\n${signature}` : signature);
  }
  if (failing.size === 0 && exitCode !== 0) return undefined;
  return failing;
}

/** The distinct lines of an output with every number masked: the fallback comparison when no test can be named. */
export function outputLines(output: string, worktree: string): string[] {
  const lines = normalizeOutput(output, worktree).split('\n').map((line) => line.replace(/\d+/g, '#').trim());
  return [...new Set(lines.filter((line) => line !== ''))].slice(0, 2000);
}
