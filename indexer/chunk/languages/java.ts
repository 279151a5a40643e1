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
  tags: {
    query: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(field_declaration (modifiers "static") (modifiers "final")? declarator: (variable_declarator name: (identifier) @name)) @definition.constant

(method_invocation name: (identifier) @name) @reference.call
(object_creation_expression type: (type_identifier) @name) @reference.class
(object_creation_expression type: (generic_type (type_identifier) @name)) @reference.class
(superclass (type_identifier) @name) @reference.class
(super_interfaces (type_list (type_identifier) @name)) @reference.implementation
(type_identifier) @name @reference.type

(import_declaration) @import.import
`,
    // `import static a.b.C.d;` and `import a.b.*;` keep their dotted path (`a.b.C.d`, `a.b.*`).
    imports: (node) => [node.text.replace(/^import\s+(static\s+)?/, '').replace(/[\s;]/g, '')],
  },
};
