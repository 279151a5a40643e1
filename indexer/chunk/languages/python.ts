import type { SyntaxNode } from 'tree-sitter';
import type { LanguageSpec } from '../language-spec.js';

/** The string literal that opens a function or class body. */
function docstring(node: SyntaxNode): SyntaxNode | undefined {
  const first = node.childForFieldName('body')?.firstNamedChild;
  const literal = first?.type === 'expression_statement' ? first.firstNamedChild : null;
  return literal?.type === 'string' ? literal : undefined;
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
};
