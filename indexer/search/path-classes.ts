/**
 * What a file is for, as ranking sees it: source ranks first; tests, examples and
 * documentation rank below it unless the query asks for them. Classified from the
 * path at query time, so a rule change needs no rebuild of any index.
 */
export type PathClass = 'source' | 'test' | 'example' | 'docs';

// Documentation anywhere: by extension (Markdown, reStructuredText, AsciiDoc, plain
// text, man pages like `fd.1`), by the conventional upper-case names of a project's
// prose files, or under a docs/man folder. Build inputs that end in .txt are not prose.
const documentationExtension = /\.(md|mdx|markdown|rst|adoc|asciidoc|rdoc|txt|text|org|pod|[1-9])$/i;
const notDocumentation = /(^|\/)(CMakeLists\.txt|requirements[^/]*\.txt|constraints[^/]*\.txt|robots\.txt)$/i;
const documentationName = /(^|\/)(README|CHANGELOG|CHANGES|HISTORY|NEWS|RELEASES?|LICEN[CS]E|COPYING|AUTHORS|CONTRIBUTING|CONTRIBUTORS|NOTICE|CODE_OF_CONDUCT|SECURITY|MAINTAINERS|UPGRADING|MIGRATING)([-_][A-Za-z\d]+)?(\.(?!(js|mjs|cjs|ts|tsx|jsx|py|go|rs|java|c|h|cpp|cs|rb|php)$)[A-Za-z\d]+)?$/i;
const documentationFolder = /(^|\/)(docs?|documentation|man)\//i;
const testPath = /(^|\/)(tests?|__tests__|spec|specs|fixtures?|testdata|mocks?|__mocks__|e2e)(\/|$)|[._-](test|spec)\.[a-z]+$|_test\.go$|(^|\/)(test_[^/]*|conftest)\.py$/i;
const examplePath = /(^|\/)(examples?|benchmarks?|bench|benches)(\/|$)|[._-]bench\.[a-z]+$/i;

/** The class of a repository-relative path: documentation first (a README in tests/ is prose), then tests, then examples. */
export function pathClass(path: string): PathClass {
  if ((documentationExtension.test(path) && !notDocumentation.test(path)) || documentationName.test(path) || documentationFolder.test(path)) return 'docs';
  if (testPath.test(path)) return 'test';
  if (examplePath.test(path)) return 'example';
  return 'source';
}

// Words by which a query asks for a class. "test" alone asks for tests; "docs" does
// not ask for tests: each class is lifted only by its own words.
const asksFor: Record<Exclude<PathClass, 'source'>, RegExp> = {
  test: /\b(tests?|testing|spec|specs|fixtures?|e2e|mocks?)\b/i,
  example: /\b(examples?|samples?|bench(mark)?s?|demos?)\b/i,
  docs: /\b(docs?|documentation|readme|changelog|guides?|manual|man ?pages?|tutorials?|licen[cs]e)\b/i,
};

/** The classes a query asks for by name (`fix the flaky test` asks for tests). */
export function askedClasses(query: string): ReadonlySet<PathClass> {
  const asked = new Set<PathClass>();
  for (const [name, words] of Object.entries(asksFor)) if (words.test(query)) asked.add(name as PathClass);
  return asked;
}

/** The factors that `classFactor` reads from the ranking options. */
export interface ClassFactors {
  /** Tests and examples not asked for. */
  secondaryFactor: number;
  /** Documentation not asked for. */
  docsFactor: number;
  /** A class the query asks for: a mild preference, never enough to flip the ranking on one word. */
  askedFactor: number;
}

/** The score multiplier of a chunk of class `of` for a query asking for `asked`. */
export function classFactor(of: PathClass, asked: ReadonlySet<PathClass>, factors: ClassFactors): number {
  if (of === 'source') return 1;
  if (asked.has(of)) return factors.askedFactor;
  return of === 'docs' ? factors.docsFactor : factors.secondaryFactor;
}
