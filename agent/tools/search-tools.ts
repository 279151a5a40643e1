// The search tools: search_code (the semantic index, through the CodeSearch interface)
// and grep (ripgrep when installed, else `git grep`, which every worktree has).
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { MinionsError } from '../../schemas/index.js';
import { isAbortError, runProcess, scrubbedEnvironment, type ProcessResult } from '../../platform/index.js';
import { truncateMiddle } from '../limits.js';
import { configOverrides, hardenedEnvironment } from '../workspace/git-guard.js';
import { resolveInside } from '../workspace/sandbox.js';
import { defineTool, type ToolResult } from './tool.js';

/** search_code: ranked symbols from the repository's index. */
export const searchCodeTool = defineTool({
  name: 'search_code',
  description: 'Semantic and keyword search over the repository index: returns the best-matching functions, classes and other symbols with their file, lines and a snippet.',
  parameters: Type.Object({
    query: Type.String({ description: 'what to look for, in words or identifiers' }),
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, description: 'how many results (default 8)' })),
  }),
  async run(input, context) {
    try {
      const results = await context.search.search(input.query, input.k ?? 8, { repo: context.repo, signal: context.signal });
      if (results.length === 0) return { ok: true, output: 'No results; try other words, or grep for an identifier.' };
      const text = results
        .map((result, index) => `${index + 1}. ${result.path}:${result.startLine}-${result.endLine} ${result.kind} ${result.symbol}\n${result.snippet.split('\n').slice(0, 8).join('\n')}`)
        .join('\n\n');
      return { ok: true, output: truncateMiddle(text, context.limits.maxOutputCharacters) };
    } catch (error) {
      if (isAbortError(error)) throw error;
      const why = error instanceof MinionsError ? error.message : String(error);
      return { ok: false, output: `search_code is unavailable for this repository (${why}). Use grep, list_dir and read_file instead.` };
    }
  },
});

let ripgrep: Promise<boolean> | undefined;

/** True when an `rg` binary is on the PATH (checked once per process). */
function hasRipgrep(): Promise<boolean> {
  const probe = { env: scrubbedEnvironment(process.env), timeoutMs: 10_000, signal: new AbortController().signal, maxOutputCharacters: 256 };
  ripgrep ??= runProcess({ argv: ['rg', '--version'] }, probe).then((result) => result.exitCode === 0);
  return ripgrep;
}

/** The most output grep may produce before it is stopped; the tool shows far less. */
const maxGrepOutput = 32 * 1024 * 1024;

const maxMatches = 200;

/** grep: regular-expression search over the worktree's files, with line numbers. */
export const grepTool = defineTool({
  name: 'grep',
  description: 'Search file contents with a regular expression (ripgrep syntax; falls back to git grep -E). Returns path:line:text for each match.',
  parameters: Type.Object({
    pattern: Type.String({ description: 'regular expression' }),
    path: Type.Optional(Type.String({ description: 'folder or file to search in (default: everything)' })),
    glob: Type.Optional(Type.String({ description: 'only files matching this glob, e.g. *.ts' })),
    ignore_case: Type.Optional(Type.Boolean()),
  }),
  async run(input, context) {
    const target = await resolveInside(context.worktree, input.path ?? '.');
    if (!target.ok) return { ok: false, output: target.error };
    const scope = target.relative;
    const kind = await lstat(target.absolute).catch(() => undefined);
    if (kind && !kind.isDirectory() && !kind.isFile() && !kind.isSymbolicLink()) return { ok: false, output: `${input.path ?? '.'} is not a regular file or folder; grep only searches those.` };
    const useRipgrep = await hasRipgrep();
    const argv = useRipgrep
      ? ['rg', '--line-number', '--no-heading', '--color=never', '--max-columns=300', '--max-count=50', ...(input.ignore_case ? ['-i'] : []), ...(input.glob ? ['--glob', input.glob] : []), '--', input.pattern, scope]
      : ['git', 'grep', '--untracked', '-n', '-I', '-E', '--no-color', '--no-textconv', ...(input.ignore_case ? ['-i'] : []), '-e', input.pattern, '--', input.glob ? (scope === '.' ? input.glob : `${scope}/${input.glob}`) : scope];
    // The environment of the run's commands; git keeps only what it needs of it.
    // No hooks or file-system monitor either: the repository's configuration is not minions' to run.
    const env = useRipgrep ? context.env : hardenedEnvironment(context.env, configOverrides([]));
    const run = await runProcess({ argv }, { cwd: context.worktree, env, signal: context.signal, timeoutMs: 60_000, maxOutputCharacters: 4096, maxStreamCharacters: maxGrepOutput });
    const result = grepResult(run);
    if (!result.ok || result.output === 'No matches.') return result;
    const lines = await withoutSharedFiles(context.worktree, result.output.split('\n').filter((line) => line !== ''));
    if (lines.length === 0) return { ok: true, output: 'No matches.' };
    const more = lines.length > maxMatches ? `\n[${lines.length - maxMatches} more matches; narrow the pattern or the path]` : '';
    return { ok: true, output: truncateMiddle(lines.slice(0, maxMatches).join('\n') + more, context.limits.maxOutputCharacters) };
  },
});

/** rg and git grep exit 1 for no match; whatever they printed before failing or being stopped is still shown. */
function grepResult(run: ProcessResult): ToolResult {
  if (run.exitCode === 0 || run.stdout !== '') return { ok: true, output: run.stdout };
  if (run.exitCode === 1) return { ok: true, output: 'No matches.' };
  const why = run.stderr.trim() || (run.timedOut ? 'timed out after 60 s' : `exit code ${run.exitCode ?? run.signal ?? '?'}`);
  return { ok: false, output: `grep failed: ${why}` };
}

/** Drops matches in files that are not single-link regular files of the worktree (a hard link may be a file outside it). */
async function withoutSharedFiles(worktree: string, lines: readonly string[]): Promise<string[]> {
  const verdicts = new Map<string, Promise<boolean>>();
  const kept: string[] = [];
  for (const line of lines) {
    const path = /^(.*?):\d+:/.exec(line)?.[1] ?? '';
    if (!verdicts.has(path)) verdicts.set(path, lstat(join(worktree, path)).then((stats) => stats.isFile() && stats.nlink === 1, () => false));
    if (await verdicts.get(path)) kept.push(line);
  }
  return kept;
}
