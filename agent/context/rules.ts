// Rule files for coding agents, scoped to the files in play: AGENTS.md and CLAUDE.md
// apply to their folder and below, `.cursor/rules/*.mdc` by their `globs` (or
// `alwaysApply`), `.github/copilot-instructions.md` always, and
// `.github/instructions/*.instructions.md` by their `applyTo` globs.
import { matchesAny } from '../workspace/glob.js';
import { readWorktreeFile } from '../workspace/regular-file.js';

/** One rule file and the scope it applies to. */
export interface RuleFile {
  path: string;
  /** The folder it governs (`''` for the whole repository); globs are relative to it. */
  folder: string;
  /** undefined: applies to every file under `folder`. */
  globs: string[] | undefined;
  alwaysApply: boolean;
  content: string;
}

const ruleNames = /(?:^|\/)(?:AGENTS\.md|CLAUDE\.md|\.cursor\/rules\/.+\.mdc|\.github\/copilot-instructions\.md|\.github\/instructions\/.+\.instructions\.md)$/;

/**
 * The rule files among the tracked paths, read from the worktree through the sandboxed
 * reader; missing ones are skipped, refused ones (a symlink to outside, not a regular
 * file) are skipped and said why in `refused`.
 */
export async function readRuleFiles(worktree: string, tracked: readonly string[]): Promise<{ rules: RuleFile[]; refused: string[] }> {
  const paths = tracked.filter((path) => ruleNames.test(path)).sort();
  const files = await Promise.all(paths.map(async (path) => ({ path, read: await readWorktreeFile(worktree, path) })));
  return {
    rules: files.flatMap(({ path, read }) => (read.ok ? [describeRule(path, read.text)] : [])),
    refused: files.flatMap(({ read }) => (read.ok || read.missing ? [] : [read.error])),
  };
}

/** Reads a rule file's scope from its place and front matter. */
export function describeRule(path: string, text: string): RuleFile {
  const cursor = path.lastIndexOf('.cursor/rules/');
  const instructions = path.lastIndexOf('.github/instructions/');
  if (cursor !== -1 || instructions !== -1) {
    const { fields, body } = frontMatter(text);
    const folder = path.slice(0, cursor !== -1 ? cursor : instructions).replace(/\/$/, '');
    const globs = splitGlobs(fields.get(cursor !== -1 ? 'globs' : 'applyTo'));
    const alwaysApply = fields.get('alwaysApply') === 'true' || (instructions !== -1 && globs.includes('**'));
    return { path, folder, globs, alwaysApply, content: body.trim() };
  }
  if (path.endsWith('.github/copilot-instructions.md')) return { path, folder: '', globs: undefined, alwaysApply: true, content: text.trim() };
  return { path, folder: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '', globs: undefined, alwaysApply: false, content: text.trim() };
}

/**
 * The rules that apply to the files in play: a folder rule when a file is in its
 * folder (root rules always), a glob rule when a file (relative to the rule's
 * folder) matches a glob; `alwaysApply` rules always. Outer rules come first.
 */
export function applicableRules(rules: readonly RuleFile[], files: readonly string[]): RuleFile[] {
  const under = (folder: string, path: string): boolean => folder === '' || path.startsWith(`${folder}/`);
  const applies = (rule: RuleFile): boolean => {
    if (rule.alwaysApply) return true;
    const inFolder = files.filter((path) => under(rule.folder, path));
    if (rule.globs === undefined) return rule.folder === '' || inFolder.length > 0;
    const relative = inFolder.map((path) => (rule.folder === '' ? path : path.slice(rule.folder.length + 1)));
    return rule.globs.length > 0 && relative.some((path) => matchesAny(path, rule.globs ?? []));
  };
  return rules.filter(applies).sort((a, b) => depth(a.folder) - depth(b.folder) || a.path.localeCompare(b.path));
}

function depth(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}

/** `key: value` lines between leading `---` fences (lists as `- item` lines joined by commas). */
function frontMatter(text: string): { fields: Map<string, string>; body: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  const fields = new Map<string, string>();
  if (!match) return { fields, body: text };
  let last: string | undefined;
  for (const line of (match[1] ?? '').split(/\r?\n/)) {
    const item = /^\s+-\s*(.+)$/.exec(line);
    if (item && last !== undefined) {
      fields.set(last, [fields.get(last), item[1]].filter(Boolean).join(','));
      continue;
    }
    const entry = /^([\w-]+)\s*:\s*(.*)$/.exec(line);
    if (entry) {
      last = entry[1] ?? '';
      fields.set(last, (entry[2] ?? '').trim());
    }
  }
  return { fields, body: text.slice(match[0].length) };
}

function splitGlobs(value: string | undefined): string[] {
  if (value === undefined) return [];
  const globs: string[] = [];
  let current = '';
  let braces = 0;
  for (const character of value.trim().replace(/^\[|\]$/g, '')) {
    if (character === ',' && braces === 0) {
      globs.push(current);
      current = '';
      continue;
    }
    if (character === '{') braces += 1;
    if (character === '}') braces = Math.max(0, braces - 1);
    current += character;
  }
  globs.push(current);
  return globs.map((glob) => glob.trim().replace(/^["']|["']$/g, '')).filter((glob) => glob !== '');
}
