import type { SyntaxNode } from 'tree-sitter';
import { bareTypeName, type LanguageSpec } from '../language-spec.js';

/** Rust's tags: items and methods; calls, macros, type uses, impls; `mod x;` and `use` paths. */
const tags = `
(impl_item body: (declaration_list (function_item name: (identifier) @name) @definition.method))
(trait_item body: (declaration_list (function_item name: (identifier) @name) @definition.method))
(trait_item body: (declaration_list (function_signature_item name: (identifier) @name) @definition.method))
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(const_item name: (identifier) @name) @definition.constant
(static_item name: (identifier) @name) @definition.constant
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(call_expression function: (scoped_identifier name: (identifier) @name)) @reference.call
(macro_invocation macro: (identifier) @name) @reference.call
(impl_item trait: (type_identifier) @name) @reference.implementation
(type_identifier) @name @reference.type

(mod_item !body name: (identifier) @import.mod)
(use_declaration argument: (_) @import.use)
`;

/** `use crate::a::{b, c::d as e}` -> `crate::a::b`, `crate::a::c::d` (one level of braces; globs and aliases dropped). */
function useImports(node: SyntaxNode): string[] {
  const text = node.text.replace(/\s+/g, '').replace(/\bas\w+/g, '');
  const brace = text.indexOf('{');
  if (brace < 0) return [text.replace(/::\*$/, '')];
  const prefix = text.slice(0, brace);
  const inner = text.slice(brace + 1, text.lastIndexOf('}'));
  return [prefix.replace(/::$/, ''), ...inner.split(',').filter((item) => item !== '' && !item.includes('{')).map((item) => `${prefix}${item}`.replace(/::(\*|self)$/, ''))];
}

/** Rust: items, with `impl` and `trait` blocks as the owners of their functions (`Ledger::settle`). */
export const rust: LanguageSpec = {
  id: 'rust',
  extensions: ['.rs'],
  grammar: async () => (await import('tree-sitter-rust')).default,
  separator: '::',
  symbols: {
    function_item: { kind: 'function' },
    function_signature_item: { kind: 'function' },
    struct_item: { kind: 'struct' },
    union_item: { kind: 'struct' },
    enum_item: { kind: 'enum' },
    type_item: { kind: 'type' },
    macro_definition: { kind: 'function' },
    trait_item: { kind: 'trait', container: true },
    impl_item: {
      kind: 'impl',
      container: true,
      name: (node) => {
        const type = node.childForFieldName('type')?.text;
        return type === undefined ? undefined : { name: bareTypeName(type) };
      },
    },
    mod_item: { kind: 'namespace', container: true },
  },
  transparent: new Set(['declaration_list', 'block']),
  leading: new Set(['line_comment', 'block_comment', 'attribute_item']),
  tags: { query: tags, imports: useImports },
};
