import type { LanguageSpec } from '../language-spec.js';

/** Ruby: modules and classes as owners of their methods; `def self.x` stays a method of its class. */
export const ruby: LanguageSpec = {
  id: 'ruby',
  extensions: ['.rb', '.rake', '.gemspec'],
  grammar: async () => (await import('tree-sitter-ruby')).default,
  separator: '.',
  symbols: {
    module: { kind: 'namespace', container: true },
    class: { kind: 'class', container: true },
    method: { kind: 'method' },
    singleton_method: { kind: 'method' },
  },
  transparent: new Set(['body_statement']),
  leading: new Set(['comment']),
};
