// Lint: typescript-eslint's recommended rules plus the one-way layers of the design
// (schemas <- platform <- indexer, agent <- server), enforced with no-restricted-imports per folder.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports a folder may not make: other layers' internals, or layers above it. */
function layer(files, forbidden) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: forbidden.map((entry) => ({ group: entry.group, message: entry.message })) }],
    },
  };
}

const deepImport = (folder) => ({
  group: [`**/${folder}/*`, `!**/${folder}/index.js`],
  message: `Import ${folder}/ only through its index.js.`,
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/fixtures/**', '.cache/**', 'coverage/**', 'bench-corpora/**', '.minions/**', 'eval/*/verify/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  layer(['schemas/**/*.ts'], [
    { group: ['**/platform/**', '**/indexer/**', '**/agent/**', '**/server/**', '**/test/**'], message: 'schemas/ imports nothing of ours.' },
  ]),
  layer(['platform/**/*.ts'], [
    { group: ['**/indexer/**', '**/agent/**', '**/server/**', '**/test/**'], message: 'platform/ may import npm packages and schemas/ only.' },
    deepImport('schemas'),
  ]),
  layer(['indexer/**/*.ts'], [
    { group: ['**/agent/**', '**/server/**', '**/test/**'], message: 'indexer/ may import schemas/ and platform/ only.' },
    deepImport('schemas'),
    deepImport('platform'),
  ]),
  layer(['agent/**/*.ts'], [
    { group: ['**/indexer/**', '**/server/**', '**/test/**'], message: 'agent/ may import schemas/ and platform/ only; code search comes through an interface.' },
    deepImport('schemas'),
    deepImport('platform'),
  ]),
  layer(['server/**/*.ts'], [
    { group: ['**/test/**'], message: 'server/ never imports tests.' },
    deepImport('schemas'),
    deepImport('platform'),
    deepImport('indexer'),
    deepImport('agent'),
  ]),
  // The web UI runs in the browser: it may import types from schemas/ and npm packages (Preact), never Node or the server.
  layer(['ui/**/*.ts', 'ui/**/*.tsx'], [
    { group: ['**/platform/**', '**/indexer/**', '**/agent/**', '**/server/**', '**/test/**', 'node:*'], message: 'ui/ runs in the browser: it may import schemas/ types and Preact only.' },
    deepImport('schemas'),
  ]),
  {
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/schemas/index.js'], allowTypeImports: true, message: 'ui/ imports only types from schemas/ (the bundle must not carry TypeBox).' }] }] },
  },
  {
    files: ['server/cli*.ts', 'server/cli/**/*.ts', 'scripts/**', 'bin/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
