import { posix } from 'node:path';

/**
 * The repository's files as import resolution looks them up: by exact path, by path
 * suffix (whole segments: `ledger.h` finds `include/bank/ledger.h`), and by folder.
 * Built once per graph read, from the manifest of that moment, so a file added later
 * resolves imports written before it.
 */
export class PathIndex {
  private readonly paths: ReadonlySet<string>;
  private readonly suffixes = new Map<string, string[]>();
  private readonly folders = new Map<string, string[]>();
  private readonly folderSuffixes = new Map<string, string[]>();

  constructor(paths: Iterable<string>) {
    this.paths = new Set(paths);
    for (const path of this.paths) {
      const folder = posix.dirname(path);
      const key = folder === '.' ? '' : folder;
      const files = this.folders.get(key);
      if (files) files.push(path);
      else this.folders.set(key, [path]);
      // Every proper suffix of whole segments: `a/b/c.h` -> `b/c.h`, `c.h`.
      for (let slash = path.indexOf('/'); slash >= 0; slash = path.indexOf('/', slash + 1)) {
        const suffix = path.slice(slash + 1);
        const list = this.suffixes.get(suffix);
        if (list) list.push(path);
        else this.suffixes.set(suffix, [path]);
      }
    }
  }

  /** Whether a path (relative, `/`-separated) is a file of the repository. */
  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** The first candidate that is a file, or undefined. */
  first(candidates: Iterable<string>): string | undefined {
    for (const candidate of candidates) if (this.paths.has(candidate)) return candidate;
    return undefined;
  }

  /**
   * Files whose path is `suffix` or ends with `/suffix`, the shallowest first; only the
   * shallowest ones are returned (a header of the same name deep in a test tree is a
   * worse match than one near the root).
   */
  bySuffix(suffix: string): string[] {
    const matches = [...(this.paths.has(suffix) ? [suffix] : []), ...(this.suffixes.get(suffix) ?? [])];
    if (matches.length <= 1) return matches;
    const depth = (path: string): number => path.split('/').length;
    const shallowest = Math.min(...matches.map(depth));
    return matches.filter((path) => depth(path) === shallowest).sort();
  }

  /** The files directly inside a folder (`''` is the root). */
  filesIn(folder: string): readonly string[] {
    return this.folders.get(folder) ?? [];
  }

  /** Folders whose path is `suffix` or ends with `/suffix` (remembered: files of one project repeat their usings). */
  foldersBySuffix(suffix: string): string[] {
    let found = this.folderSuffixes.get(suffix);
    if (!found) {
      found = [...this.folders.keys()].filter((folder) => folder === suffix || folder.endsWith(`/${suffix}`));
      this.folderSuffixes.set(suffix, found);
    }
    return found;
  }
}

/** `posix.join` without a leading `./`, and undefined when the path climbs out of the repository. */
export function joinInside(...parts: string[]): string | undefined {
  const joined = posix.normalize(posix.join(...parts));
  if (joined === '..' || joined.startsWith('../') || joined.startsWith('/')) return undefined;
  return joined === '.' ? '' : joined;
}
