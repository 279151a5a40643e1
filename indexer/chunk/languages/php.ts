import type { LanguageSpec } from '../language-spec.js';

/** PHP: namespaces (`App\Bank\Ledger`), functions, classes, interfaces, traits and enums with their methods (`Ledger::settle`). */
export const php: LanguageSpec = {
  id: 'php',
  extensions: ['.php', '.phtml'],
  grammar: async () => (await import('tree-sitter-php')).default.php,
  separator: '::',
  symbols: {
    namespace_definition: { kind: 'namespace', container: true, qualifiesFollowing: true, separator: '\\' },
    class_declaration: { kind: 'class', container: true },
    interface_declaration: { kind: 'interface', container: true },
    trait_declaration: { kind: 'trait', container: true },
    enum_declaration: { kind: 'enum', container: true },
    function_definition: { kind: 'function' },
    method_declaration: { kind: 'method' },
  },
  // An unnamed `namespace { }` is the global namespace: its contents are searched, unqualified.
  transparent: new Set(['namespace_definition', 'declaration_list', 'enum_declaration_list', 'compound_statement']),
  leading: new Set(['comment', 'attribute_list']),
  tags: {
    query: `
(function_definition name: (name) @name) @definition.function
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(method_declaration name: (name) @name) @definition.method
(const_element (name) @name) @definition.constant
(namespace_definition name: (namespace_name) @name) @definition.module

(function_call_expression function: (name) @name) @reference.call
(function_call_expression function: (qualified_name (name) @name)) @reference.call
(member_call_expression name: (name) @name) @reference.call
(nullsafe_member_call_expression name: (name) @name) @reference.call
(scoped_call_expression name: (name) @name) @reference.call
(object_creation_expression (name) @name) @reference.class
(object_creation_expression (qualified_name (name) @name)) @reference.class
(base_clause (name) @name) @reference.class
(base_clause (qualified_name (name) @name)) @reference.class
(class_interface_clause (name) @name) @reference.implementation
(class_interface_clause (qualified_name (name) @name)) @reference.implementation
(named_type (name) @name) @reference.type
(named_type (qualified_name (name) @name)) @reference.type

(namespace_use_clause (qualified_name) @import.use)
(namespace_use_clause (name) @import.use)
(require_expression (string (string_content) @import.require))
(require_once_expression (string (string_content) @import.require))
(include_expression (string (string_content) @import.require))
(include_once_expression (string (string_content) @import.require))
(require_expression (binary_expression left: (name) @_dir right: (string (string_content) @import.require)) (#eq? @_dir "__DIR__"))
(require_once_expression (binary_expression left: (name) @_dir right: (string (string_content) @import.require)) (#eq? @_dir "__DIR__"))
(include_expression (binary_expression left: (name) @_dir right: (string (string_content) @import.require)) (#eq? @_dir "__DIR__"))
(include_once_expression (binary_expression left: (name) @_dir right: (string (string_content) @import.require)) (#eq? @_dir "__DIR__"))
`,
  },
};
