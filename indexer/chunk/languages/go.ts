import type { SyntaxNode } from 'tree-sitter';
import { bareTypeName, type LanguageSpec } from '../language-spec.js';

function typeKind(node: SyntaxNode): 'struct' | 'interface' | 'type' {
  const type = node.childForFieldName('type')?.type;
  return type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type';
}

/** Go: functions, methods owned by their receiver's type, type declarations. */
export const go: LanguageSpec = {
  id: 'go',
  extensions: ['.go'],
  grammar: async () => (await import('tree-sitter-go')).default,
  separator: '.',
  symbols: {
    function_declaration: { kind: 'function' },
    method_declaration: {
      kind: 'method',
      name: (node) => {
        const name = node.childForFieldName('name')?.text;
        const receiver = node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')?.text;
        return name === undefined ? undefined : receiver ? { name, owner: bareTypeName(receiver) } : { name };
      },
    },
    type_spec: { kind: 'type', kindOf: typeKind },
    type_alias: { kind: 'type' },
  },
  transparent: new Set(['type_declaration', 'block', 'statement_list']),
  leading: new Set(['comment']),
};
