import type { LanguageSpec } from '../language-spec.js';

/** C#: namespaces (block and file-scoped), types, and their methods, constructors and operators. */
export const csharp: LanguageSpec = {
  id: 'csharp',
  extensions: ['.cs'],
  // The package's `main` names a folder, which Node's ESM loader resolves only with a deprecation warning.
  grammar: async () => (await import('tree-sitter-c-sharp/bindings/node/index.js')).default,
  separator: '.',
  symbols: {
    namespace_declaration: { kind: 'namespace', container: true },
    file_scoped_namespace_declaration: { kind: 'namespace', qualifiesFollowing: true },
    class_declaration: { kind: 'class', container: true },
    record_declaration: { kind: 'class', container: true },
    struct_declaration: { kind: 'struct', container: true },
    interface_declaration: { kind: 'interface', container: true },
    enum_declaration: { kind: 'enum' },
    delegate_declaration: { kind: 'type' },
    method_declaration: { kind: 'method' },
    constructor_declaration: { kind: 'method' },
    destructor_declaration: { kind: 'method' },
    operator_declaration: { kind: 'method', name: (node) => ({ name: `operator ${node.childForFieldName('operator')?.text ?? ''}`.trim() }) },
    local_function_statement: { kind: 'function' },
  },
  transparent: new Set(['declaration_list', 'block']),
  leading: new Set(['comment']),
  tags: {
    query: `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(property_declaration name: (identifier) @name) @definition.property
(local_function_statement name: (identifier) @name) @definition.function
(namespace_declaration name: (_) @name) @definition.module
(file_scoped_namespace_declaration name: (_) @name) @definition.module

(invocation_expression function: (identifier) @name) @reference.call
(invocation_expression function: (member_access_expression name: (identifier) @name)) @reference.call
(object_creation_expression type: (identifier) @name) @reference.class
(object_creation_expression type: (generic_name (identifier) @name)) @reference.class
(base_list (identifier) @name) @reference.class
(base_list (generic_name (identifier) @name)) @reference.class
(variable_declaration type: (identifier) @name) @reference.type
(parameter type: (identifier) @name) @reference.type
(method_declaration returns: (identifier) @name) @reference.type
(property_declaration type: (identifier) @name) @reference.type
(type_argument_list (identifier) @name) @reference.type

(using_directive (qualified_name) @import.using)
(using_directive (identifier) @import.using)
`,
  },
};
