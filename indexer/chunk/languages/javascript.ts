import type { SyntaxNode } from 'tree-sitter';
import { fieldName, type LanguageSpec, type SymbolName, type SymbolRule } from '../language-spec.js';
import { javascriptTags, tsxTags, typescriptTags } from './javascript-tags.js';

const functionValues = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

function holdsFunction(node: SyntaxNode, field: string): boolean {
  const value = node.childForFieldName(field);
  return value !== null && functionValues.has(value.type);
}

/** `Foo.prototype.bar = function` -> bar owned by Foo; `exports.run = () => {}` -> run. */
function assignedName(node: SyntaxNode): SymbolName | undefined {
  const left = node.childForFieldName('left');
  if (!left) return undefined;
  if (left.type === 'identifier') return { name: left.text };
  if (left.type !== 'member_expression') return undefined;
  const property = left.childForFieldName('property')?.text;
  const object = left.childForFieldName('object')?.text.replace(/\.prototype$/, '');
  if (!property) return undefined;
  if (object === undefined || object === 'module' || object === 'exports' || object === 'module.exports' || object === 'this') {
    const own = node.childForFieldName('right')?.childForFieldName('name')?.text;
    return { name: property === 'exports' && own ? own : property };
  }
  return { name: property, owner: object };
}

/** `declare module 'ledger-plugins'` names the module without its quotes. */
function moduleName(node: SyntaxNode): SymbolName | undefined {
  const name = node.childForFieldName('name');
  if (!name) return undefined;
  return { name: name.type === 'string' ? name.text.slice(1, -1) : name.text };
}

/** Rules shared by JavaScript, TypeScript and TSX: the TypeScript grammar extends the JavaScript one. */
const symbols: Record<string, SymbolRule> = {
  function_declaration: { kind: 'function' },
  generator_function_declaration: { kind: 'function' },
  function_signature: { kind: 'function' },
  class_declaration: { kind: 'class', container: true },
  abstract_class_declaration: { kind: 'class', container: true },
  class: { kind: 'class', container: true, when: (node) => node.childForFieldName('name') !== null },
  method_definition: { kind: 'method' },
  abstract_method_signature: { kind: 'method' },
  public_field_definition: { kind: 'method', when: (node) => holdsFunction(node, 'value') },
  field_definition: {
    kind: 'method',
    when: (node) => holdsFunction(node, 'value'),
    name: (node) => fieldName(node, 'property'),
  },
  variable_declarator: {
    kind: 'function',
    signatureFrom: (node) => (node.parent && node.parent.namedChildCount === 1 ? node.parent : node),
    when: (node) => holdsFunction(node, 'value') && node.childForFieldName('name')?.type === 'identifier' },
  assignment_expression: { kind: 'function', when: (node) => holdsFunction(node, 'right'), name: assignedName },
  interface_declaration: { kind: 'interface' },
  type_alias_declaration: { kind: 'type' },
  enum_declaration: { kind: 'enum' },
  internal_module: { kind: 'namespace', container: true },
  module: { kind: 'namespace', container: true, name: moduleName },
};

const transparent = new Set([
  'export_statement', 'lexical_declaration', 'variable_declaration', 'expression_statement', 'ambient_declaration',
  'class_body', 'statement_block', 'arrow_function', 'function_expression', 'function', 'generator_function',
]);
const leading = new Set(['comment', 'decorator']);

/** JavaScript, including JSX (the tree-sitter-javascript grammar parses both). */
export const javascript: LanguageSpec = {
  id: 'javascript',
  extensions: ['.js', '.jsx', '.mjs', '.cjs'],
  grammar: async () => (await import('tree-sitter-javascript')).default,
  separator: '.',
  symbols,
  transparent,
  leading,
  tags: { query: javascriptTags },
};

/** TypeScript (`.ts`, `.mts`, `.cts`, declaration files). */
export const typescript: LanguageSpec = {
  ...javascript,
  id: 'typescript',
  extensions: ['.ts', '.mts', '.cts'],
  grammar: async () => (await import('tree-sitter-typescript')).default.typescript,
  tags: { query: typescriptTags },
};

/** TypeScript with JSX. */
export const tsx: LanguageSpec = {
  ...javascript,
  id: 'tsx',
  extensions: ['.tsx'],
  grammar: async () => (await import('tree-sitter-typescript')).default.tsx,
  tags: { query: tsxTags },
};
