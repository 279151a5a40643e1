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
};
