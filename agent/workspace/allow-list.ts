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

// Options that make an allowed program run code or read configuration given on the command
// line (make's --eval ran a shell recipe), by program; matched on the words as the program
// receives them, quotes removed, so quoting an option does not hide it.
const codeOptions: Readonly<Record<string, RegExp>> = {
  make: /^(--eval|-E)(=|$)|^-[^-]*E/,
  npm: /^(--prefix|-C|--userconfig|--globalconfig|--script-shell|--node-options|--init-module|--call|-c)(=|$)/,
  node: /^(--eval|-e|--print|-p|--require|-r|--import|--loader|--experimental-loader|--env-file)(=|$)/,
  cargo: /^(--config|-Z)(=|$)/,
  go: /^(-exec|-toolexec|--exec|--toolexec|-overlay|--overlay)(=|$)/,
  pytest: /^(-p|-c|--config-file|--rootdir|--confcutdir)(=|$)|^-p\S/,
};

// Shell syntax inside an option word means the option hands it to a shell somewhere.
const shellSyntax = /[;&|<>`$(){}\n]/;

/** Why a word may not be passed to this program (it would run code given on the command line), or undefined. */
function refusedOption(program: string, word: string): string | undefined {
  // make (and shells behind tools) expand these even inside a variable assignment: `make 'CC=$(shell id)'`.
  if (/\$[({]|`/.test(word)) return `"${word}": substitutions are not allowed, quoted or not.`;
  if (!word.startsWith('-')) return undefined;
  const pattern = codeOptions[program.replace(/^python3? -m /, '')];
  if (pattern?.test(word)) return `"${word}": this option makes ${program} run code or configuration from the command line.`;
  if (shellSyntax.test(word)) return `"${word}": options may not carry shell syntax (quoting does not make it safe).`;
  return undefined;
}

/** Why an argument may not be passed (a path outside the worktree, an output redirection, a code option), or undefined. */
export function refusedArgument(argv: readonly string[]): string | undefined {
  const program = argv[0] === 'python' || argv[0] === 'python3' ? (argv[2] ?? '') : (argv[0] ?? '');
  for (const word of argv.slice(1)) {
    const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : word;
    if (value.startsWith('/') || value.startsWith('~')) return `"${word}": absolute paths are not allowed; use paths relative to the repository root.`;
    if (value.split(/[\\/]/).includes('..')) return `"${word}": paths may not leave the repository.`;
    if (/^--output(?:=|$)/.test(word)) return `"${word}": commands may not write output files.`;
  }
  for (const word of argv.slice(1)) {
    const option = refusedOption(program, word);
    if (option !== undefined) return option;
  }
  return undefined;
}

/** True when the argv starts with every word of some entry. */
export function isAllowed(argv: readonly string[], allowList: readonly (readonly string[])[]): boolean {
  return allowList.some((prefix) => prefix.length > 0 && prefix.length <= argv.length && prefix.every((word, index) => argv[index] === word));
}
