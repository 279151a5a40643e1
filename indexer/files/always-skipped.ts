/**
 * Directory names discovery never enters, wherever they appear and whatever the
 * ignore files say: version-control metadata, installed dependencies, virtual
 * environments, tool caches, editor state and framework build output. None of
 * them holds code the repository's authors wrote, and some hold millions of files.
 * A symbolic link with one of these names is skipped silently as well (pnpm and
 * monorepo tools link `node_modules` around).
 */
export const ALWAYS_SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  // version control
  '.git',
  '.hg',
  '.svn',
  '.bzr',
  '_darcs',
  'CVS',
  // dependencies
  'node_modules',
  'bower_components',
  'jspm_packages',
  '.pnpm-store',
  '.yarn',
  // Python
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.nox',
  '.eggs',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.ipynb_checkpoints',
  // JVM, Dart, Haskell, Elm, Terraform
  '.gradle',
  '.dart_tool',
  '.stack-work',
  'elm-stuff',
  '.terraform',
  // editors
  '.idea',
  // framework and tool caches
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.angular',
  '.turbo',
  '.parcel-cache',
  '.cache',
  '.direnv',
]);
