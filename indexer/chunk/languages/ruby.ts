import type { SyntaxNode } from 'tree-sitter';
import type { ChunkKind } from '../../../schemas/index.js';
import type { LanguageSpec } from '../language-spec.js';

/** A `def` at the top of a file defines a function (a private method of Object); inside a module or class, a method. */
const methodKind = (node: SyntaxNode): ChunkKind => (node.parent?.type === 'program' ? 'function' : 'method');

/**
 * Ruby: modules and classes as owners of their methods; `def self.x` stays a method of
 * its class. Qualified names use `::`, Ruby's constant path (`Bank::Ledger::settle`).
 */
export const ruby: LanguageSpec = {
  id: 'ruby',
  extensions: ['.rb', '.rake', '.gemspec'],
  grammar: async () => (await import('tree-sitter-ruby')).default,
  separator: '::',
  symbols: {
    // Searched whole, not just their `body`: the grammar leaves the comments above a first member outside the body.
    module: { kind: 'namespace', container: true, body: '' },
    class: { kind: 'class', container: true, body: '' },
    method: { kind: 'method', kindOf: methodKind },
    singleton_method: { kind: 'method', kindOf: methodKind },
  },
  // `class << self` holds class methods; they stay qualified with the class.
  transparent: new Set(['body_statement', 'singleton_class']),
  leading: new Set(['comment']),
  tags: {
    query: `
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(class name: (constant) @name) @definition.class
(class name: (scope_resolution name: (constant) @name)) @definition.class
(module name: (constant) @name) @definition.module
(module name: (scope_resolution name: (constant) @name)) @definition.module
(assignment left: (constant) @name) @definition.constant

(call method: (identifier) @name) @reference.call
(call receiver: (constant) @name) @reference.class
(call receiver: (scope_resolution name: (constant) @name)) @reference.class
(superclass (constant) @name) @reference.class
(superclass (scope_resolution name: (constant) @name)) @reference.class

(call method: (identifier) @_method arguments: (argument_list . (string (string_content) @import.relative)) (#eq? @_method "require_relative"))
(call method: (identifier) @_method arguments: (argument_list . (string (string_content) @import.require)) (#eq? @_method "require"))
`,
  },
};
