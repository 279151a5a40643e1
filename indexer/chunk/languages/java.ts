import type { LanguageSpec } from '../language-spec.js';

/** Java: types (nested ones too) and their methods and constructors. */
export const java: LanguageSpec = {
  id: 'java',
  extensions: ['.java'],
  grammar: async () => (await import('tree-sitter-java')).default,
  separator: '.',
  symbols: {
    class_declaration: { kind: 'class', container: true },
    record_declaration: { kind: 'class', container: true },
    interface_declaration: { kind: 'interface', container: true },
    annotation_type_declaration: { kind: 'interface' },
    enum_declaration: { kind: 'enum', container: true },
    method_declaration: { kind: 'method' },
    constructor_declaration: { kind: 'method' },
    compact_constructor_declaration: { kind: 'method' },
  },
  transparent: new Set(['class_body', 'interface_body', 'enum_body', 'enum_body_declarations']),
  leading: new Set(['line_comment', 'block_comment']),
};
