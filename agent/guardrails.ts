// Guardrails checked before delivery: protected paths, the size of the change, paths
// (and symlinks) that leave the worktree, and a secret scan of the added lines. Any
// violation stops delivery with the reasons spelled out.
import { readlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { matchesAny } from './workspace/glob.js';
import type { StagedFile } from './workspace/git.js';
import { isWithin } from './workspace/sandbox.js';

/** Paths never modified without `allowProtectedPaths`: CI, secrets, keys and the minion's own configuration. */
export const defaultProtectedPaths: readonly string[] = [
  '.github/workflows/**',
  '.gitlab-ci.yml',
  '.minions.yml',
  '.env',
  '.env.*',
  '*.pem',
  '*.key',
  '*.p12',
  'id_rsa*',
  'id_ed25519*',
  '.npmrc',
  '.pypirc',
];

/** The guardrails' settings for one run. */
export interface GuardrailOptions {
  worktree: string;
  protectedPaths: readonly string[];
  allowProtectedPaths: boolean;
  maxFilesChanged: number;
  maxLinesChanged: number;
}

/** The verdict: passed, or every reason it did not. */
export interface GuardrailVerdict {
  passed: boolean;
  violations: string[];
  files: number;
  lines: number;
}

/** Checks the staged change (its files and unified diff). */
export async function checkGuardrails(files: readonly StagedFile[], diff: string, options: GuardrailOptions): Promise<GuardrailVerdict> {
  const violations: string[] = [];
  const lines = files.reduce((sum, file) => sum + (file.added ?? 0) + (file.removed ?? 0), 0);
  if (!options.allowProtectedPaths) {
    for (const file of files) {
      if (matchesAny(file.path, options.protectedPaths)) violations.push(`protected path modified: ${file.path} (allowed only with allowProtectedPaths)`);
    }
  }
  if (files.length > options.maxFilesChanged) violations.push(`too many files changed: ${files.length} (limit ${options.maxFilesChanged})`);
  if (lines > options.maxLinesChanged) violations.push(`too many lines changed: ${lines} (limit ${options.maxLinesChanged})`);
  for (const file of files) {
    const absolute = resolve(options.worktree, file.path);
    if (!isWithin(options.worktree, absolute)) violations.push(`path outside the worktree: ${file.path}`);
    else if (file.mode === '120000' && file.status !== 'D') {
      const target = await readlink(join(options.worktree, file.path)).catch(() => undefined);
      if (target !== undefined && !isWithin(options.worktree, resolve(dirname(absolute), target))) violations.push(`symbolic link out of the worktree: ${file.path} -> ${target}`);
    }
  }
  for (const secret of scanSecrets(diff)) violations.push(`possible secret (${secret.kind}) added in ${secret.path}:${secret.line}`);
  return { passed: violations.length === 0, violations, files: files.length, lines };
}

const secretPatterns: readonly { kind: string; pattern: RegExp }[] = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: 'AWS access key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { kind: 'GitHub token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'API key', pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{32,}/ },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { kind: 'Stripe key', pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}\b/ },
  { kind: 'JSON Web Token', pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/ },
  {
    kind: 'hard-coded credential',
    pattern: /(?:api[_-]?key|secret|token|passw(?:or)?d|auth)["']?\s*[:=]\s*["'](?!.*(?:example|placeholder|changeme|your[_-]|xxxx|\$\{|<))[A-Za-z0-9+/_\-.=]{20,}["']/i,
  },
];

/** A secret-looking string on an added line of a unified diff. */
export interface SecretFinding {
  kind: string;
  path: string;
  line: number;
}

/** Scans the added lines of a unified diff. */
export function scanSecrets(diff: string): SecretFinding[] {
  const findings: SecretFinding[] = [];
  let path = '';
  let line = 0;
  for (const text of diff.split('\n')) {
    if (text.startsWith('+++ ')) {
      path = text.slice(4).replace(/^b\//, '');
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(text);
    if (hunk) {
      line = Number(hunk[1]);
      continue;
    }
    if (text.startsWith('+')) {
      const found = secretPatterns.find(({ pattern }) => pattern.test(text));
      if (found) findings.push({ kind: found.kind, path, line });
      line += 1;
    } else if (!text.startsWith('-')) line += 1;
  }
  return findings;
}

/** The diff with every secret-looking match replaced, so a refused change can still be shown. */
export function redactSecrets(diff: string): string {
  return diff
    .split('\n')
    .map((text) => (text.startsWith('+') ? secretPatterns.reduce((current, { pattern }) => current.replace(new RegExp(pattern.source, `${pattern.flags}g`), '[REDACTED]'), text) : text))
    .join('\n');
}
