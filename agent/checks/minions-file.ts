// `.minions.yml`: a repository's own statement of its checks, extra allowed commands
// and protected paths. Read with a small parser for the subset it needs (top-level
// keys whose values are a string or a list of strings), so no YAML dependency.

/** What a `.minions.yml` may state; every key is optional. */
export interface MinionsFile {
  format?: string[];
  fix?: string[];
  lint?: string[];
  test?: string[];
  /** Command template for the tests of the change: `{files}` becomes the test files, `{packages}` their folders. */
  testRelated?: string;
  /** Extra command prefixes run_command accepts. */
  commands?: string[];
  /** Globs of paths the agent may not modify (on top of the defaults). */
  protected?: string[];
}

const listKeys = { format: 'format', fix: 'fix', lint: 'lint', test: 'test', commands: 'commands', protected: 'protected' } as const;

/** Parses the subset; unknown keys are ignored, problems are returned as values. */
export function parseMinionsFile(text: string): { file: MinionsFile; problems: string[] } {
  const values = new Map<string, string[]>();
  const problems: string[] = [];
  let current: string | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = stripComment(raw).trimEnd();
    if (line.trim() === '') continue;
    const item = /^\s+-\s*(.*)$/.exec(line);
    if (item) {
      if (current === undefined) problems.push(`line ${index + 1}: a list item outside a key`);
      else values.get(current)?.push(unquote(item[1] ?? ''));
      continue;
    }
    const entry = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(line);
    if (!entry) {
      problems.push(`line ${index + 1}: expected "key: value"`);
      continue;
    }
    current = (entry[1] ?? '').replaceAll('-', '_');
    const value = entry[2] ?? '';
    values.set(current, value === '' ? [] : [unquote(value)]);
  }
  const file: MinionsFile = {};
  for (const [key, field] of Object.entries(listKeys)) {
    const found = values.get(key);
    if (found !== undefined) file[field] = found.filter((value) => value !== '');
  }
  const related = values.get('test_related')?.[0];
  if (related !== undefined) file.testRelated = related;
  return { file, problems };
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index];
    if (quote) {
      if (character === quote) quote = undefined;
    } else if (character === '"' || character === "'") quote = character;
    else if (character === '#' && (index === 0 || /\s/.test(line[index - 1] ?? ''))) return line.slice(0, index);
  }
  return line;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && (trimmed[0] === '"' || trimmed[0] === "'") && trimmed.at(-1) === trimmed[0]) return trimmed.slice(1, -1);
  return trimmed;
}
