import type { SkipReason } from '../../schemas/index.js';

/** A skip decided by the file name alone, before any byte is read. */
export interface NameVerdict {
  readonly reason: SkipReason;
  readonly detail: string;
}

/** Lock files: written by package managers, large, and never what a question is about. */
const LOCK_FILES: ReadonlySet<string> = new Set([
  'package-lock.json',
  'npm-shrinkwrap.json',
  'yarn.lock',
  'pnpm-lock.yaml',
  'bun.lock',
  'bun.lockb',
  'cargo.lock',
  'go.sum',
  'poetry.lock',
  'pipfile.lock',
  'uv.lock',
  'pdm.lock',
  'composer.lock',
  'gemfile.lock',
  'podfile.lock',
  'pubspec.lock',
  'mix.lock',
  'flake.lock',
  'packages.lock.json',
]);

interface NameRule {
  readonly test: (lowerName: string) => boolean;
  readonly reason: SkipReason;
  readonly detail: string;
}

const endsWithAny = (suffixes: readonly string[]) => (name: string) => suffixes.some((suffix) => name.endsWith(suffix));

/** Checked in order; names are compared in lower case (`Form1.Designer.cs`). */
const NAME_RULES: readonly NameRule[] = [
  { test: endsWithAny(['.min.js', '.min.mjs', '.min.cjs', '.min.css']), reason: 'minified', detail: 'minified: the name ends in .min.js or .min.css' },
  { test: endsWithAny(['.js.map', '.css.map']), reason: 'generated', detail: 'generated: a source map' },
  { test: endsWithAny(['.pb.go', '.pb.cc', '.pb.h']), reason: 'generated', detail: 'generated: protocol buffers output (*.pb.go, *.pb.cc)' },
  { test: (name) => /_pb2(?:_grpc)?\.pyi?$/.test(name), reason: 'generated', detail: 'generated: protocol buffers output (*_pb2.py)' },
  { test: (name) => name.includes('.generated.'), reason: 'generated', detail: 'generated: the name says so (*.generated.*)' },
  { test: endsWithAny(['.g.cs', '.g.i.cs', '.designer.cs']), reason: 'generated', detail: 'generated: C# designer or source-generator output (*.g.cs, *.designer.cs)' },
];

/** The skip a file's name alone decides (lock files, `*.min.js`, `*.pb.go`, ...), or undefined. */
export function classifyByName(path: string): NameVerdict | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lowerName = name.toLowerCase();
  if (LOCK_FILES.has(lowerName)) return { reason: 'generated', detail: `generated: ${name} is a lock file written by a package manager` };
  const rule = NAME_RULES.find((candidate) => candidate.test(lowerName));
  return rule === undefined ? undefined : { reason: rule.reason, detail: rule.detail };
}
