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
};
