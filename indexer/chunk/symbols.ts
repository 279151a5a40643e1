import type { SyntaxNode } from 'tree-sitter';
import type { ChunkKind } from '../../schemas/index.js';
import { fieldName, type LanguageSpec, type SymbolRule } from './language-spec.js';

/** A symbol found in a syntax tree, with the rows (0-based, inclusive) it owns. */
export interface SymbolNode {
  kind: ChunkKind;
  name: string;
  qualifiedName: string;
  signature: string;
  /** First row, including attached comments, decorators and wrappers like `export`. */
  startRow: number;
  endRow: number;
  doc: string | undefined;
  node: SyntaxNode;
  rule: SymbolRule;
  children: SymbolNode[];
  /** Whether nested symbols have been looked for (containers at once, others only when oversized). */
  expanded: boolean;
  /** Levels of nesting above this symbol (symbols and transparent nodes), counted by the walk. */
  depth: number;
  /** The state of the walk that found it, shared by every symbol of the file. */
  walk: WalkState;
}

/** What one walk over a file learnt as a whole. */
export interface WalkState {
  /** Whether some nodes lay deeper than {@link MAX_NESTING_DEPTH} and were left to their enclosing symbol's lines. */
  capped: boolean;
}

/** Where a walk is: the qualified name of the enclosing symbol and whether that symbol is a type. */
export interface Scope {
  prefix: string;
  inType: boolean;
  /** Separator after `prefix`, when the enclosing symbol's rule sets one. */
  separator?: string;
  /** Levels of nesting (symbols and transparent nodes) between the file's root and this scope. */
  depth: number;
  walk: WalkState;
}

/**
 * Deepest nesting the walk descends to. The walk and the chunk assembly recurse once
 * per level, so 2,000 nested namespaces used to exhaust the call stack; no real code
 * nests declarations this deep, and what lies deeper stays in the lines of the symbol
 * at this depth, cut into budget-sized parts like any long symbol (line windows).
 */
export const MAX_NESTING_DEPTH = 64;

const typeKinds = new Set<ChunkKind>(['class', 'struct', 'interface', 'enum', 'trait', 'impl']);
const MAX_SIGNATURE = 160;

/** Last row a node covers; a node ending at column 0 ends on the row before. */
export function endRowOf(node: SyntaxNode): number {
  const end = node.endPosition;
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row;
}

/** The declaration text before its body, whitespace collapsed: `async function send(reply, payload)`. */
export function signatureOf(node: SyntaxNode, source: string, from: SyntaxNode): string {
  const body = node.childForFieldName('body') ?? (node.childForFieldName('value') ?? node.childForFieldName('right'))?.childForFieldName('body') ?? null;
  let end = body && body.startIndex > node.startIndex ? body.startIndex : node.endIndex;
  // A comment between the declaration and its body (Ruby puts the first member's doc there) is not
  // signature. Every supported language starts comments with `#` or `/`, so most headers skip the scan.
  if (/[#/]/.test(source.slice(node.startIndex, Math.min(end, node.startIndex + 8 * MAX_SIGNATURE)))) {
    const comment = node.namedChildren.find((child) => child.type.includes('comment') && child.startIndex > node.startIndex);
    if (comment && comment.startIndex < end) end = comment.startIndex;
  }
  let text = source.slice(from.startIndex, Math.min(end, from.startIndex + 4 * MAX_SIGNATURE));
  if (!body) text = text.split('\n')[0] ?? text;
  text = text.replace(/\s+/g, ' ').trim().replace(/\s*(\{|:|=>|=)$/, '');
  return text.length > MAX_SIGNATURE ? `${text.slice(0, MAX_SIGNATURE - 1)}…` : text;
}

function cleanDoc(text: string): string | undefined {
  const doc = text.trim();
  if (doc === '') return undefined;
  return doc.length > 1000 ? `${doc.slice(0, 999)}…` : doc;
}

/**
 * Collects the symbols among a node's named children, descending through the
 * language's transparent nodes. Comments, decorators and attributes directly above
 * a symbol (no blank line between) become part of it; above a wrapper with one
 * declaration (`export`, `const`), they pass to that declaration, doc included, and
 * so they do to a wrapper's first declaration when it opens the wrapper (a Ruby
 * class body, which starts after the comments above its first method).
 */
export function collectSymbols(spec: LanguageSpec, parent: SyntaxNode, source: string, scope: Scope, inheritedStart?: number, inheritedDoc = ''): SymbolNode[] {
  if (scope.depth > MAX_NESTING_DEPTH) {
    scope.walk.capped = true;
    return [];
  }
  const found: SymbolNode[] = [];
  let current = scope;
  const children = parent.namedChildren;
  const meaningful = children.filter((child) => !spec.leading.has(child.type));
  let previousEnd = -1;
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (!child || spec.leading.has(child.type)) continue;
    let startRow = child.startPosition.row;
    const docParts: string[] = [];
    for (let before = index - 1; before >= 0; before--) {
      const sibling = children[before];
      if (!sibling || !spec.leading.has(sibling.type) || endRowOf(sibling) < startRow - 1) break;
      if (sibling.startPosition.row <= previousEnd) break;
      startRow = sibling.startPosition.row;
      if (sibling.type.includes('comment')) docParts.unshift(sibling.text);
    }
    const opensParent = child === meaningful[0] && child.startPosition.row === parent.startPosition.row;
    if (inheritedStart !== undefined && (meaningful.length === 1 || opensParent)) {
      startRow = Math.min(startRow, inheritedStart);
      if (inheritedDoc !== '') docParts.unshift(inheritedDoc);
    }
    previousEnd = endRowOf(child);
    const rule = spec.symbols[child.type];
    if (rule && (rule.when?.(child) ?? true)) {
      const opensScope = rule.qualifiesFollowing === true && child.childForFieldName(rule.body ?? 'body') === null;
      const symbol = makeSymbol(spec, child, rule, source, opensScope ? scope : current, startRow, docParts.join('\n'));
      if (symbol && opensScope) {
        current = memberScope(symbol);
        continue;
      }
      if (symbol) {
        found.push(symbol);
        continue;
      }
    }
    if (spec.transparent.has(child.type)) found.push(...collectSymbols(spec, child, source, { ...current, depth: current.depth + 1 }, startRow, docParts.join('\n')));
  }
  return found;
}

function makeSymbol(spec: LanguageSpec, node: SyntaxNode, rule: SymbolRule, source: string, scope: Scope, startRow: number, leadingDoc: string): SymbolNode | undefined {
  const named = rule.name ? rule.name(node) : fieldName(node);
  if (!named || named.name === '') return undefined;
  let kind = rule.kindOf ? rule.kindOf(node) : rule.kind;
  if (kind === 'function' && (scope.inType || named.owner !== undefined)) kind = 'method';
  const prefixSeparator = scope.separator ?? spec.separator;
  const owner = named.owner === undefined ? scope.prefix : scope.prefix === '' ? named.owner : `${scope.prefix}${prefixSeparator}${named.owner}`;
  const separator = named.owner === undefined ? prefixSeparator : spec.separator;
  const qualifiedName = owner === '' ? named.name : `${owner}${separator}${named.name}`;
  const docstring = spec.docstring?.(node)?.text;
  const symbol: SymbolNode = {
    kind,
    name: named.name,
    qualifiedName,
    signature: signatureOf(node, source, rule.signatureFrom?.(node) ?? node),
    startRow,
    endRow: endRowOf(node),
    doc: cleanDoc(docstring ?? leadingDoc),
    node,
    rule,
    children: [],
    expanded: false,
    depth: scope.depth,
    walk: scope.walk,
  };
  if (rule.container) expandSymbol(spec, symbol, source);
  return symbol;
}

/** The scope of a symbol's members. */
function memberScope(symbol: SymbolNode): Scope {
  const scope: Scope = { prefix: symbol.qualifiedName, inType: typeKinds.has(symbol.kind), depth: symbol.depth + 1, walk: symbol.walk };
  if (symbol.rule.separator !== undefined) scope.separator = symbol.rule.separator;
  return scope;
}

/** Finds the symbols nested in a symbol (members of a type, functions inside a large function). */
export function expandSymbol(spec: LanguageSpec, symbol: SymbolNode, source: string): void {
  if (symbol.expanded) return;
  symbol.expanded = true;
  const scope = memberScope(symbol);
  const body = symbol.rule.container ? symbol.node.childForFieldName(symbol.rule.body ?? 'body') ?? symbol.node : symbol.node;
  symbol.children = collectSymbols(spec, body, source, scope).filter(
    (child) => child.startRow >= symbol.startRow && child.endRow <= symbol.endRow,
  );
}
