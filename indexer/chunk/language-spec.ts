import type { SyntaxNode } from 'tree-sitter';
import type { ChunkKind, LanguageId } from '../../schemas/index.js';

/** How one syntax node type becomes a symbol. */
export interface SymbolRule {
  /** Kind of the chunk; a `function` found directly inside a type becomes a `method`. */
  kind: ChunkKind;
  /** Members found inside this symbol's body are chunked separately and qualified with its name. */
  container?: boolean;
  /** Field holding the body that containers are searched in (default `body`); one the node lacks, like `''`, searches it whole. */
  body?: string;
  /** Only nodes passing this test are symbols (e.g. a variable whose value is a function). */
  when?: (node: SyntaxNode) => boolean;
  /** The symbol's name; default: the text of the `name` field. Undefined: not a symbol. */
  name?: (node: SyntaxNode) => SymbolName | undefined;
  /** The node the signature starts at, when not the symbol's own (`const` before a declarator). */
  signatureFrom?: (node: SyntaxNode) => SyntaxNode;
  /** Kind overrides decided by the node (e.g. a Go type spec that holds a struct). */
  kindOf?: (node: SyntaxNode) => ChunkKind;
  /** Separator between this symbol's name and its members' names, when not the language's (PHP `App\Bank\Ledger`). */
  separator?: string;
  /**
   * When the declaration has no body (C# `namespace A.B;`, PHP `namespace App;`), its
   * name qualifies the siblings after it instead, and it gets no chunk of its own.
   */
  qualifiesFollowing?: boolean;
}

/** A symbol's name and, when the declaration states it (`func (l *Ledger) Settle`), the type it belongs to. */
export interface SymbolName {
  name: string;
  owner?: string;
}

/** Everything the chunker knows about one language: its grammar and a small table of extraction rules. */
export interface LanguageSpec {
  id: LanguageId;
  extensions: readonly string[];
  /** Loads the tree-sitter grammar object (lazily: grammars are native modules). */
  grammar: () => Promise<unknown>;
  /** Separator between a type and its member in qualified names. */
  separator: string;
  symbols: Readonly<Record<string, SymbolRule>>;
  /**
   * Node types searched through for symbols without being symbols themselves:
   * export wrappers, declaration lists, decorated definitions, statement blocks.
   */
  transparent: ReadonlySet<string>;
  /**
   * Node types that attach to the declaration that follows them: comments (which become
   * its doc), attributes, decorators, C++ template parameter lists.
   */
  leading: ReadonlySet<string>;
  /** The docstring of a symbol when the language puts it inside the body (Python). */
  docstring?: (node: SyntaxNode) => SyntaxNode | undefined;
  /** The symbol graph's tags query (definitions, references, imports): see `indexer/graph/`. */
  tags?: TagsRule;
}

/**
 * A language's tags query, in tree-sitter's query syntax: `@definition.<kind>` on a
 * definition's node, `@reference.<kind>` on a use, each with a `@name` capture;
 * `@import.<kind>` on an import's specifier (or statement, read by `imports`).
 */
export interface TagsRule {
  query: string;
  /** The specifiers an `@import.<kind>` capture names; default: its text without quotes. */
  imports?: (node: SyntaxNode, kind: string) => string[];
  /** The node a definition's signature starts at, when not its own (Go: the `type` keyword of a lone spec). */
  signatureFrom?: (node: SyntaxNode) => SyntaxNode;
}

/** The text of a node's `name` field, the default name rule. */
export function fieldName(node: SyntaxNode, field = 'name'): SymbolName | undefined {
  const child = node.childForFieldName(field);
  return child ? { name: child.text } : undefined;
}

/** Type names stripped of generics, pointers and references: `*Ledger[T]` -> `Ledger`. */
export function bareTypeName(text: string): string {
  return text
    .replace(/[<[][\s\S]*$/, '')
    .replace(/\b(mut|const)\b/g, '')
    .replace(/[*&\s]/g, '');
}
