import type { SyntaxNode } from 'tree-sitter';
import { bareTypeName, fieldName, type LanguageSpec } from '../language-spec.js';

function typeKind(node: SyntaxNode | undefined): 'struct' | 'interface' | 'type' {
  const type = node?.childForFieldName('type')?.type;
  return type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type';
}

/**
 * The one spec of `type Name ...` written without parentheses. Such a declaration
 * is the symbol itself, so its signature keeps the `type` keyword; a grouped
 * `type ( ... )` stays transparent and each of its specs is a symbol.
 */
function loneSpec(node: SyntaxNode): SyntaxNode | undefined {
  if (node.children.some((child) => child.type === '(')) return undefined;
  const specs = node.namedChildren.filter((child) => child.type === 'type_spec' || child.type === 'type_alias');
  return specs.length === 1 ? specs[0] : undefined;
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
    type_declaration: {
      kind: 'type',
      when: (node) => loneSpec(node) !== undefined,
      name: (node) => {
        const spec = loneSpec(node);
        return spec ? fieldName(spec) : undefined;
      },
      kindOf: (node) => typeKind(loneSpec(node)),
    },
    type_spec: { kind: 'type', kindOf: typeKind },
    type_alias: { kind: 'type' },
  },
  transparent: new Set(['type_declaration', 'block', 'statement_list']),
  leading: new Set(['comment']),
  tags: {
    query: `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(interface_type (method_elem name: (field_identifier) @name) @definition.method)
(const_spec name: (identifier) @name) @definition.constant
(source_file (var_declaration (var_spec name: (identifier) @name) @definition.variable))

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (selector_expression field: (field_identifier) @name)) @reference.call
(composite_literal type: (type_identifier) @name) @reference.class
(type_identifier) @name @reference.type

(import_spec path: (interpreted_string_literal) @import.package)
`,
    signatureFrom: (node) => (node.type === 'type_spec' && node.parent?.type === 'type_declaration' && loneSpec(node.parent) === node ? node.parent : node),
  },
};
