import type { SyntaxNode } from 'tree-sitter';
import type { LanguageSpec, SymbolName, SymbolRule } from '../language-spec.js';

const declaratorNames = new Set([
  'identifier', 'field_identifier', 'type_identifier', 'qualified_identifier', 'destructor_name', 'operator_name',
]);

/** The next step down a declarator chain: the `declarator` field, else a name or a nested declarator among the children. */
function innerDeclarator(node: SyntaxNode): SyntaxNode | null {
  const field = node.childForFieldName('declarator');
  if (field) return field;
  // Reference (`T& f()`) and parenthesized (`(*visitor)(...)`) declarators hold theirs without a field name.
  const children = node.namedChildren;
  return children.find((child) => declaratorNames.has(child.type)) ?? children.find((child) => child.type.endsWith('_declarator')) ?? null;
}

/** Follows declarators (pointer, reference, parenthesized, function) down to the declared name. */
function declaratorName(node: SyntaxNode): SymbolName | undefined {
  let current: SyntaxNode | null = node.childForFieldName('declarator');
  for (let depth = 0; current && depth < 8; depth++) {
    if (declaratorNames.has(current.type)) {
      const parts = current.text.replace(/\s+/g, '').split('::');
      const name = parts.pop() ?? current.text;
      return parts.length > 0 ? { name, owner: parts.join('::') } : { name };
    }
    current = innerDeclarator(current);
  }
  return undefined;
}

const hasBody = (node: SyntaxNode): boolean => node.childForFieldName('body') !== null && node.childForFieldName('name') !== null;

const cSymbols: Record<string, SymbolRule> = {
  function_definition: { kind: 'function', name: declaratorName },
  struct_specifier: { kind: 'struct', when: hasBody },
  union_specifier: { kind: 'struct', when: hasBody },
  enum_specifier: { kind: 'enum', when: hasBody },
  type_definition: { kind: 'type', name: declaratorName },
};

/** C's tags: functions (and prototypes), structs, unions, enums, typedefs, macros; calls and type uses; `#include`s. */
const cTags = `
(function_definition declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(function_definition declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(declaration declarator: (function_declarator declarator: (identifier) @name)) @definition.function
(declaration declarator: (pointer_declarator declarator: (function_declarator declarator: (identifier) @name))) @definition.function
(struct_specifier name: (type_identifier) @name body: (_)) @definition.struct
(union_specifier name: (type_identifier) @name body: (_)) @definition.struct
(enum_specifier name: (type_identifier) @name body: (_)) @definition.enum
(type_definition declarator: (type_identifier) @name) @definition.type
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro

(call_expression function: (identifier) @name) @reference.call
(call_expression function: (field_expression field: (field_identifier) @name)) @reference.call
(type_identifier) @name @reference.type

(preproc_include path: (string_literal) @import.local)
(preproc_include path: (system_lib_string) @import.system)
`;

/** C++'s tags: C's plus classes, namespaces, methods (in class and out of it), aliases, constructions and bases. */
const cppTags = `${cTags}
(function_definition declarator: (function_declarator declarator: (qualified_identifier name: (identifier) @name))) @definition.method
(function_definition declarator: (function_declarator declarator: (field_identifier) @name)) @definition.method
(function_definition declarator: (reference_declarator (function_declarator declarator: (field_identifier) @name))) @definition.method
(field_declaration declarator: (function_declarator declarator: (field_identifier) @name)) @definition.method
(class_specifier name: (type_identifier) @name body: (_)) @definition.class
(namespace_definition name: (namespace_identifier) @name) @definition.module
(alias_declaration name: (type_identifier) @name) @definition.type

(call_expression function: (qualified_identifier name: (identifier) @name)) @reference.call
(call_expression function: (template_function name: (identifier) @name)) @reference.call
(new_expression type: (type_identifier) @name) @reference.class
(base_class_clause (type_identifier) @name) @reference.class
`;

const preprocessor = ['preproc_ifdef', 'preproc_if', 'preproc_else', 'preproc_elif', 'preproc_elifdef'];

/** C: functions, structs, unions, enums and typedefs, also inside `#ifdef` guards. */
export const c: LanguageSpec = {
  id: 'c',
  extensions: ['.c', '.h'],
  grammar: async () => (await import('tree-sitter-c')).default,
  separator: '::',
  symbols: cSymbols,
  transparent: new Set([...preprocessor, 'linkage_specification', 'declaration_list']),
  leading: new Set(['comment']),
  tags: { query: cTags },
};

/** C++: C's rules plus classes, namespaces, templates and out-of-class member definitions (`Ledger::settle`). */
export const cpp: LanguageSpec = {
  id: 'cpp',
  extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hh', '.hpp', '.hxx', '.h++', '.ipp'],
  grammar: async () => (await import('tree-sitter-cpp')).default,
  separator: '::',
  symbols: {
    ...cSymbols,
    class_specifier: { kind: 'class', container: true, when: hasBody },
    struct_specifier: { kind: 'struct', container: true, when: hasBody },
    namespace_definition: { kind: 'namespace', container: true, when: hasBody },
    alias_declaration: { kind: 'type' },
  },
  transparent: new Set([...preprocessor, 'linkage_specification', 'declaration_list', 'template_declaration', 'field_declaration_list']),
  // `template <typename T>` belongs to the declaration it introduces, as does the comment above it.
  leading: new Set(['comment', 'template_parameter_list']),
  tags: { query: cppTags },
};
