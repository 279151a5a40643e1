// The command allow-list of run_command: a command line is split into words like a
// shell would (quotes, backslashes) but never run by one, so `;`, `|`, `&&`,
// redirections and substitutions are refused; its leading words must match an entry.

/** Prefixes (argv words) allowed by default: test runners, builds, linters and read-only git. */
export const defaultAllowedCommands: readonly string[] = [
  'npm test',
  'npm run',
  'node --test',
  'make',
  'pytest',
  'python -m pytest',
  'python3 -m pytest',
  'ruff check',
  'ruff format',
  'go test',
  'go vet',
  'go build',
  'gofmt',
  'cargo test',
  'cargo check',
  'cargo build',
  'cargo fmt',
  'cargo clippy',
  'git status',
  'git diff',
  'git log',
  'git show',
  'ls',
  'tsc',
];

/** The words of a command line, or why it is refused. */
export function splitCommandLine(line: string): { ok: true; argv: string[] } | { ok: false; error: string } {
  const argv: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let index = 0; index < line.length; index += 1) {
    const character = line[index] ?? '';
    if (quote === "'") {
      if (character === "'") quote = undefined;
      else word += character;
    } else if (quote === '"') {
      if (character === '"') quote = undefined;
      else if (character === '\\' && index + 1 < line.length) word += line[++index];
      else if (character === '$' || character === '`') return { ok: false, error: 'Shell substitutions ($, `) are not allowed; run one plain command.' };
      else word += character;
    } else if (character === "'" || character === '"') {
      quote = character;
      inWord = true;
    } else if (character === '\\' && index + 1 < line.length) {
      word += line[++index];
      inWord = true;
    } else if (/\s/.test(character)) {
      if (inWord) argv.push(word);
      word = '';
      inWord = false;
    } else if (/[;&|<>`$(){}*?~]/.test(character)) {
      return { ok: false, error: `"${character}" is not allowed: commands run without a shell (no pipes, chaining, redirection, globbing or substitution).` };
    } else {
      word += character;
      inWord = true;
    }
  }
  if (quote) return { ok: false, error: 'Unbalanced quote in the command.' };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { ok: false, error: 'The command is empty.' };
  return { ok: true, argv };
}

/** The allow-list entries as argv prefixes. */
export function parseAllowList(entries: readonly string[]): string[][] {
  return entries.flatMap((entry) => {
    const split = splitCommandLine(entry);
    return split.ok ? [split.argv] : [];
  });
}

/** Why an argument may not be passed (a path outside the worktree, an output redirection), or undefined. */
export function refusedArgument(argv: readonly string[]): string | undefined {
  for (const word of argv.slice(1)) {
    const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : word;
    if (value.startsWith('/') || value.startsWith('~')) return `"${word}": absolute paths are not allowed; use paths relative to the repository root.`;
    if (value.split(/[\\/]/).includes('..')) return `"${word}": paths may not leave the repository.`;
    if (/^--output(?:=|$)/.test(word)) return `"${word}": commands may not write output files.`;
  }
  return undefined;
}

/** True when the argv starts with every word of some entry. */
export function isAllowed(argv: readonly string[], allowList: readonly (readonly string[])[]): boolean {
  return allowList.some((prefix) => prefix.length > 0 && prefix.length <= argv.length && prefix.every((word, index) => argv[index] === word));
}
