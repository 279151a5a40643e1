import { bareTypeName, type LanguageSpec } from '../language-spec.js';

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
};
