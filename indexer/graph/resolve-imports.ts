import { posix } from 'node:path';
import type { LanguageId } from '../../schemas/index.js';
import { joinInside, type PathIndex } from './path-index.js';

/** An import to resolve: the specifier as written and how (`RawImport` without its line). */
export interface ImportSpecifier {
  specifier: string;
  kind: string;
}

/** A Go module of the repository: the folder of its go.mod and the module path it declares. */
export interface GoModule {
  folder: string;
  path: string;
}

/** What resolution needs beyond the importing file: the repository's files and its Go modules. */
export interface ResolveContext {
  files: PathIndex;
  goModules: readonly GoModule[];
}

type Resolver = (from: string, entry: ImportSpecifier, context: ResolveContext) => string[];

const scriptExtensions = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

/** JS/TS: relative specifiers, with the extensions and index files Node and TypeScript try (`./x.js` may be `./x.ts`). */
const resolveScript: Resolver = (from, { specifier }, { files }) => {
  if (!specifier.startsWith('.')) return [];
  const base = joinInside(posix.dirname(from), specifier);
  if (base === undefined) return [];
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [base, ...scriptExtensions.map((extension) => `${stem}${extension}`), ...scriptExtensions.map((extension) => `${base}/index${extension}`)];
  return list(files.first(candidates));
};

/** Python: dotted modules as `a/b.py` or `a/b/__init__.py`, relative dots from the file's package; absolute ones from the root or a source folder. */
const resolvePython: Resolver = (from, { specifier }, { files }) => {
  const dots = /^\.*/.exec(specifier)?.[0].length ?? 0;
  const rest = specifier.slice(dots).split('.').filter((part) => part !== '').join('/');
  const candidates = (base: string): string[] => (base === '' ? [] : [`${base}.py`, `${base}/__init__.py`, `${base}.pyi`]);
  if (dots > 0) {
    const packageFolder = joinInside(posix.dirname(from), ...new Array<string>(dots - 1).fill('..'));
    if (packageFolder === undefined) return [];
    if (rest === '') return list(files.first([joinInside(packageFolder, '__init__.py') ?? '']));
    return list(files.first(candidates(joinInside(packageFolder, rest) ?? '')));
  }
  for (const candidate of candidates(rest)) {
    const found = files.bySuffix(candidate);
    if (found.length > 0) return found.slice(0, 1);
  }
  return [];
};

/** Go: an import path inside one of the repository's modules (or the standard library's `std`) is a package folder: its non-test `.go` files. */
const resolveGo: Resolver = (from, { specifier }, { files, goModules }) => {
  for (const module of goModules) {
    let folder: string | undefined;
    if (specifier === module.path) folder = module.folder;
    else if (specifier.startsWith(`${module.path}/`)) folder = joinInside(module.folder, specifier.slice(module.path.length + 1));
    else if (module.path === 'std' && !specifier.split('/')[0]?.includes('.')) folder = joinInside(module.folder, specifier);
    if (folder === undefined) continue;
    const found = files.filesIn(folder).filter((path) => path.endsWith('.go') && !path.endsWith('_test.go') && path !== from);
    if (found.length > 0) return found;
  }
  return [];
};

/** The folder a Rust file's submodules live in: beside `mod.rs`/`lib.rs`/`main.rs`, else a folder named after the file. */
function rustModuleFolder(from: string): string {
  const name = posix.basename(from, '.rs');
  const folder = posix.dirname(from) === '.' ? '' : posix.dirname(from);
  return ['mod', 'lib', 'main'].includes(name) ? folder : joinInside(folder, name) ?? folder;
}

/** The `src` folder of the crate a file belongs to (the nearest ancestor named `src`), or the file's own folder. */
function crateSource(from: string): string {
  const parts = from.split('/');
  const index = parts.lastIndexOf('src', parts.length - 2);
  return index < 0 ? (posix.dirname(from) === '.' ? '' : posix.dirname(from)) : parts.slice(0, index + 1).join('/');
}

/** The longest prefix of a Rust path that is a module file under `folder` (`a::b::C` -> `a/b.rs` when `C` is an item of it). */
function rustModuleFile(folder: string, segments: readonly string[], files: PathIndex): string[] {
  for (let length = segments.length; length > 0; length--) {
    const base = joinInside(folder, ...segments.slice(0, length));
    if (base === undefined) return [];
    const found = files.first([`${base}.rs`, `${base}/mod.rs`]);
    if (found) return [found];
  }
  return [];
}

/** Rust: `mod x;` beside the file; `use crate::`, `self::`, `super::` paths to module files (other crates of a workspace by their folder). */
const resolveRust: Resolver = (from, { specifier, kind }, { files }) => {
  if (kind === 'mod') return list(files.first([joinInside(rustModuleFolder(from), `${specifier}.rs`) ?? '', joinInside(rustModuleFolder(from), specifier, 'mod.rs') ?? '']));
  const segments = specifier.split('::').filter((segment) => segment !== '');
  const [head, ...rest] = segments;
  if (head === 'crate') return rustModuleFile(crateSource(from), rest, files);
  if (head === 'self' || head === 'super') {
    // Each leading `super` climbs one module: `super::super::x` from `a/b/c.rs` is `a/x`.
    let folder: string | undefined = rustModuleFolder(from);
    let path = head === 'self' ? rest : segments;
    for (; path[0] === 'super' && folder !== undefined; path = path.slice(1)) folder = joinInside(folder, '..');
    return folder === undefined || path.length === 0 ? [] : rustModuleFile(folder, path, files);
  }
  if (head === undefined || rest.length === 0) return [];
  // Another crate of the workspace: `bank_core::ledger` -> `bank-core/src/ledger.rs` (or `bank_core/src/...`).
  for (const crate of [head, head.replaceAll('_', '-')]) {
    const root = files.bySuffix(`${crate}/src/lib.rs`)[0];
    if (root === undefined) continue;
    const module = rustModuleFile(posix.dirname(root), rest, files);
    return module.length > 0 ? module : [root];
  }
  return [];
};

/** Java: `a.b.C` is a file ending in `a/b/C.java`; `a.b.*` the `.java` files of a folder ending in `a/b`; a static import names its class. */
const resolveJava: Resolver = (_from, { specifier }, { files }) => {
  const segments = specifier.split('.');
  if (segments.at(-1) === '*') {
    const folder = files.foldersBySuffix(segments.slice(0, -1).join('/'))[0];
    return folder === undefined ? [] : files.filesIn(folder).filter((path) => path.endsWith('.java'));
  }
  for (let length = segments.length; length >= Math.max(1, segments.length - 1); length--) {
    const found = files.bySuffix(`${segments.slice(0, length).join('/')}.java`);
    if (found.length > 0) return found.slice(0, 1);
  }
  return [];
};

/** C#: a `using` names a namespace: the `.cs` files of the folder that ends with its segments (leading ones dropped, as a project's root namespace often has no folder). */
const resolveCsharp: Resolver = (from, { specifier }, { files }) => {
  const segments = specifier.split('.');
  for (let start = 0; start < segments.length; start++) {
    const folder = files.foldersBySuffix(segments.slice(start).join('/'))[0];
    if (folder !== undefined) return files.filesIn(folder).filter((path) => path.endsWith('.cs') && path !== from);
  }
  return [];
};

/** C/C++: `#include "x.h"` beside the file first, then any file ending in the path; `<x.h>` by path suffix only (system headers are not in the repository). */
const resolveInclude: Resolver = (from, { specifier, kind }, { files }) => {
  if (kind === 'local') {
    const beside = joinInside(posix.dirname(from), specifier);
    if (beside !== undefined && files.has(beside)) return [beside];
  }
  return files.bySuffix(posix.normalize(specifier).replace(/^(\.\.\/)+/, '')).slice(0, 1);
};

/** Ruby: `require_relative` from the file's folder; `require 'a/b'` as `lib/a/b.rb` or any file ending in `a/b.rb`. */
const resolveRuby: Resolver = (from, { specifier, kind }, { files }) => {
  const file = specifier.endsWith('.rb') ? specifier : `${specifier}.rb`;
  if (kind === 'relative') return list(files.first([joinInside(posix.dirname(from), file) ?? '']));
  return files.has(`lib/${file}`) ? [`lib/${file}`] : files.bySuffix(file).slice(0, 1);
};

/** PHP: `require` paths from the file's folder; `use App\Bank\Ledger` as a file ending in `Bank/Ledger.php` (PSR-4: the leading namespace maps to a source folder). */
const resolvePhp: Resolver = (from, { specifier, kind }, { files }) => {
  if (kind === 'require') {
    const beside = joinInside(posix.dirname(from), specifier.replace(/^\//, ''));
    return beside !== undefined && files.has(beside) ? [beside] : files.bySuffix(specifier.replace(/^[./]+/, '')).slice(0, 1);
  }
  const segments = specifier.replace(/^\\/, '').split('\\');
  for (let start = 0; start < segments.length; start++) {
    const found = files.bySuffix(`${segments.slice(start).join('/')}.php`);
    if (found.length > 0) return found.slice(0, 1);
  }
  return [];
};

const resolvers: Record<LanguageId, Resolver | undefined> = {
  typescript: resolveScript,
  tsx: resolveScript,
  javascript: resolveScript,
  python: resolvePython,
  go: resolveGo,
  rust: resolveRust,
  java: resolveJava,
  c: resolveInclude,
  cpp: resolveInclude,
  csharp: resolveCsharp,
  ruby: resolveRuby,
  php: resolvePhp,
  text: undefined,
};

/**
 * The repository files a file's imports resolve to, in first-seen order, without the
 * file itself; imports of packages outside the repository resolve to nothing and are
 * dropped.
 */
export function resolveImports(from: string, language: LanguageId, imports: readonly ImportSpecifier[], context: ResolveContext): string[] {
  const resolver = resolvers[language];
  if (!resolver) return [];
  const resolved = new Set<string>();
  for (const entry of imports) for (const path of resolver(from, entry, context)) if (path !== from) resolved.add(path);
  return [...resolved];
}

const list = (path: string | undefined): string[] => (path === undefined ? [] : [path]);
