import type { LanguageSpec } from '../language-spec.js';

/** PHP: functions, classes, interfaces, traits and enums with their methods (`Ledger::settle`). */
export const php: LanguageSpec = {
  id: 'php',
  extensions: ['.php', '.phtml'],
  grammar: async () => (await import('tree-sitter-php')).default.php,
  separator: '::',
  symbols: {
    namespace_definition: { kind: 'namespace', container: true, when: (node) => node.childForFieldName('body') !== null },
    class_declaration: { kind: 'class', container: true },
    interface_declaration: { kind: 'interface', container: true },
    trait_declaration: { kind: 'trait', container: true },
    enum_declaration: { kind: 'enum', container: true },
    function_definition: { kind: 'function' },
    method_declaration: { kind: 'method' },
  },
  transparent: new Set(['declaration_list', 'enum_declaration_list', 'compound_statement']),
  leading: new Set(['comment', 'attribute_list']),
};
