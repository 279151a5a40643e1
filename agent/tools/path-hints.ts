// "Did you mean" for a path that does not exist: models guess paths (src/utils.py for
// src/pkg/utils.py, a typo, a renamed folder), and the nearest existing files are the
// cheapest correction. A bounded walk keeps it cheap on large repositories.
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

const maxEntries = 20_000;
const skipped = new Set(['.git', 'node_modules']);

/** Files of the worktree (relative, `/`-separated), breadth first, at most `maxEntries` looked at. */
async function listFiles(root: string): Promise<string[]> {
  const files: string[] = [];
  const folders = [''];
  let seen = 0;
  while (folders.length > 0 && seen < maxEntries) {
    const folder = folders.shift() ?? '';
    const entries = await readdir(join(root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      seen += 1;
      if (skipped.has(entry.name)) continue;
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) folders.push(path);
      else if (entry.isFile()) files.push(path);
    }
  }
  return files;
}

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function distance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let row = 1; row <= left.length; row += 1) {
    const current = [row];
    for (let column = 1; column <= right.length; column += 1) {
      const substitution = (previous[column - 1] ?? 0) + (left[row - 1] === right[column - 1] ? 0 : 1);
      current.push(Math.min((previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1, substitution));
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[right.length] ?? limit + 1;
}

/**
 * Up to three existing files close to a missing `requested` path (relative to the
 * worktree): the same file name elsewhere first, then names or paths a few edits away.
 */
export async function similarPaths(root: string, requested: string): Promise<string[]> {
  const wanted = requested.replace(/\\/g, '/').replace(/^\.\//, '');
  const name = basename(wanted).toLowerCase();
  const scored = (await listFiles(root)).map((path) => {
    const own = basename(path).toLowerCase();
    const score = own === name ? 0 : Math.min(distance(own, name, 2) + 1, distance(path, wanted, 3) + 1);
    return { path, score };
  });
  return scored.filter((entry) => entry.score <= 3).sort((left, right) => left.score - right.score || left.path.localeCompare(right.path)).slice(0, 3).map((entry) => entry.path);
}

/** " Did you mean a, b?" for a missing path, or nothing when no file is close. */
export async function didYouMean(root: string, requested: string): Promise<string> {
  const paths = await similarPaths(root, requested);
  return paths.length === 0 ? '' : ` Did you mean ${paths.join(', ')}?`;
}
