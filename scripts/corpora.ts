// Benchmark corpora: published npm packages unpacked under bench-corpora/<name>@<version>/
// (gitignored), shared by the chunking and retrieval benchmarks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where corpora are unpacked, relative to the repository root (npm scripts run there). */
export const corporaDir = resolve('bench-corpora');

/** The packages of the retrieval dev set (../shared/bench/README.md), at its versions. */
export const benchPackages = ['fastify@5.9.0', 'undici@8.7.0', 'pino@9.11.0'];

/** The folder of a corpus, whether or not it is unpacked yet. */
export function corpusFolder(spec: string): string {
  return join(corporaDir, spec);
}

/** Fetches a package tarball from the npm registry into bench-corpora/ and unpacks it (once). */
export function ensurePackage(spec: string): string {
  const folder = corpusFolder(spec);
  if (existsSync(join(folder, 'package.json'))) return folder;
  mkdirSync(folder, { recursive: true });
  const tarball = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', corporaDir], { encoding: 'utf8' }).trim().split('\n').pop() ?? '';
  execFileSync('tar', ['-xzf', join(corporaDir, tarball), '-C', folder, '--strip-components=1']);
  return folder;
}

/** Where the second dev set's corpora ship as `<owner>+<name>.tar.gz` (../shared/bench/README.md). */
export const sharedCorporaDir = resolve('../shared/bench/corpora');

/**
 * The folder of a dev-set corpus, unpacked when missing: an npm `name@version` is fetched
 * with `npm pack`, an `owner+name` repository is unpacked from its shipped tarball.
 */
export function ensureCorpus(spec: string): string {
  if (!spec.includes('+')) return ensurePackage(spec);
  const folder = corpusFolder(spec);
  if (existsSync(folder)) return folder;
  mkdirSync(corporaDir, { recursive: true });
  // Each tarball unpacks to `owner+name/`, the repository's tree at the snapshot.
  execFileSync('tar', ['-xzf', join(sharedCorporaDir, `${spec}.tar.gz`), '-C', corporaDir]);
  return folder;
}
