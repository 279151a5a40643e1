import type { SyntaxNode } from 'tree-sitter';
import type { LanguageSpec } from '../language-spec.js';

/** The string literal that opens a function or class body. */
function docstring(node: SyntaxNode): SyntaxNode | undefined {
  const first = node.childForFieldName('body')?.firstNamedChild;
  const literal = first?.type === 'expression_statement' ? first.firstNamedChild : null;
  return literal?.type === 'string' ? literal : undefined;
}

/** Python's tags: functions, classes, methods, module constants; calls, base classes; imports. */
const tags = `
(class_definition body: (block (function_definition name: (identifier) @name) @definition.method))
(class_definition body: (block (decorated_definition definition: (function_definition name: (identifier) @name) @definition.method)))
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(module (expression_statement (assignment left: (identifier) @name) @definition.constant) (#match? @name "^[A-Z][A-Z0-9_]*$"))

(call function: (identifier) @name) @reference.call
(call function: (attribute attribute: (identifier) @name)) @reference.call
(class_definition superclasses: (argument_list (identifier) @name)) @reference.class
(class_definition superclasses: (argument_list (attribute attribute: (identifier) @name))) @reference.class
(type (identifier) @name) @reference.type

(import_statement name: (dotted_name) @import.import)
(import_statement name: (aliased_import name: (dotted_name) @import.import))
(import_from_statement) @import.from
`;

/**
 * `from .m import a, b` names the module `.m` and, when they are modules themselves,
 * `.m.a` and `.m.b` (resolution keeps those that are files).
 */
function fromImports(node: SyntaxNode): string[] {
  const module = node.childForFieldName('module_name')?.text;
  if (module === undefined) return [];
  const names = node.childrenForFieldName('name').map((name) => (name.type === 'aliased_import' ? name.childForFieldName('name')?.text : name.text));
  const joined = names.filter((name): name is string => name !== undefined).map((name) => (module.endsWith('.') ? `${module}${name}` : `${module}.${name}`));
  return [module, ...joined];
}

/** Python: functions, classes with their methods, decorators kept with what they decorate. */
export const python: LanguageSpec = {
  id: 'python',
  extensions: ['.py', '.pyi'],
  grammar: async () => (await import('tree-sitter-python')).default,
  separator: '.',
  symbols: {
    function_definition: { kind: 'function' },
    class_definition: { kind: 'class', container: true },
  },
  transparent: new Set(['decorated_definition', 'block']),
  leading: new Set(['comment', 'decorator']),
  docstring,
  tags: { query: tags, imports: (node, kind) => (kind === 'from' ? fromImports(node) : [node.text]) },
};
