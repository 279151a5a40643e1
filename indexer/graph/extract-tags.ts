import type Parser from 'tree-sitter';
import type { SyntaxNode } from 'tree-sitter';
import type { LanguageSpec } from '../chunk/language-spec.js';
import { endRowOf, signatureOf } from '../chunk/symbols.js';
import type { GraphDefinition, GraphReference } from './file-graph.js';

/**
 * An import as written in a file, before it is resolved to repository files: the
 * specifier (`./ledger`, `a.b`, `crate::store`, `ledger.h`) and how the language
 * states it (`module`, `from`, `mod`, `use`, `local`, `system`, `relative`...), which
 * decides how it resolves.
 */
export interface RawImport {
  specifier: string;
  kind: string;
  line: number;
}

/** A reference with the text of its line, as stored (the in-memory graph keeps name and line only). */
export interface ExtractedReference extends GraphReference {
  text: string;
}

/** What the tags query found in one file: its definitions, its references and its raw imports. */
export interface FileSymbols {
  definitions: GraphDefinition[];
  references: ExtractedReference[];
  imports: RawImport[];
}

/** Longest reference text kept: the line, trimmed. */
export const MAX_REFERENCE_TEXT = 160;

/**
 * Names used so often that an edge through them says nothing about the code (the
 * language's own printing, logging and length helpers, receivers). One-letter names
 * are skipped too.
 */
const noise = new Set(['console', 'print', 'println', 'printf', 'len', 'self', 'this', 'super', 'require', 'puts', 'echo', 'new', 'Self']);

const queries = new Map<string, Parser.Query | null>();

/** The compiled tags query of a language, once per process; null when the language has none. */
async function queryFor(spec: LanguageSpec): Promise<Parser.Query | null> {
  let query = queries.get(spec.id);
  if (query === undefined) {
    if (spec.tags === undefined) query = null;
    else {
      const [{ default: TreeSitter }, grammar] = await Promise.all([import('tree-sitter'), spec.grammar()]);
      query = new TreeSitter.Query(grammar as Parser.Language, spec.tags.query);
    }
    queries.set(spec.id, query);
  }
  return query;
}

/** The text of an import capture without its quotes or angle brackets: `'./x'` -> `./x`, `<stdio.h>` -> `stdio.h`. */
export function unquoted(node: SyntaxNode): string {
  return node.text.replace(/^[\s'"`<]+|[\s'"`>]+$/g, '');
}

/**
 * Runs the language's tags query over a tree the chunker already parsed. Captures
 * named `@definition.<kind>`, `@reference.<kind>` and `@import.<kind>`, each with a
 * `@name` capture in the same pattern (imports take their own node's text, or what the
 * spec's `imports` hook makes of it). A definition matched by a general pattern and a
 * more specific one (a function that is a method) keeps the specific kind; a name
 * captured as a definition is never also its own reference, so reference patterns can
 * be broad (every type identifier).
 */
export async function extractTags(spec: LanguageSpec, tree: Parser.Tree, source: string, lines: readonly string[]): Promise<FileSymbols> {
  const query = await queryFor(spec);
  const result: FileSymbols = { definitions: [], references: [], imports: [] };
  if (!query) return result;
  const tagged = query.matches(tree.rootNode).flatMap((match) => {
    const tag = match.captures.find((capture) => capture.name !== 'name' && !capture.name.startsWith('_'));
    const name = match.captures.find((capture) => capture.name === 'name')?.node;
    return tag ? [{ ...splitTag(tag.name), node: tag.node, name }] : [];
  });
  const definitions = new Map<number, GraphDefinition>();
  for (const { role, kind, node, name } of tagged) {
    if (role !== 'definition' || !name) continue;
    const start = name.startIndex;
    const known = definitions.get(start);
    if (known && !generalKinds.has(known.kind)) continue;
    definitions.set(start, { name: name.text, kind, startLine: node.startPosition.row + 1, endLine: endRowOf(node) + 1, signature: signatureOf(node, source, spec.tags?.signatureFrom?.(node) ?? node) });
  }
  result.definitions = [...definitions.values()].sort((left, right) => left.startLine - right.startLine);
  const seen = new Set<string>();
  const lineOf = lineFinder(lines);
  for (const { role, kind, node, name } of tagged) {
    if (role === 'import') {
      for (const specifier of spec.tags?.imports?.(node, kind) ?? [unquoted(node)]) {
        const key = `${kind}:${specifier}`;
        if (specifier === '' || seen.has(key)) continue;
        seen.add(key);
        result.imports.push({ specifier, kind, line: node.startPosition.row + 1 });
      }
    } else if (role === 'reference' && name) {
      // References are most of the rows: two calls into the tree per name (each node
      // property is one), the text and line from the source the tree was parsed from.
      const start = name.startIndex;
      if (definitions.has(start)) continue;
      const text = source.substring(start, name.endIndex);
      if (text.length < 2 || noise.has(text)) continue;
      const line = lineOf(start) + 1;
      const key = `${text}@${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.references.push({ name: text, line, text: referenceText(lines[line - 1] ?? '') });
    }
  }
  result.references.sort((left, right) => left.line - right.line);
  return result;
}

/** Kinds a more specific pattern on the same name overrides (a `function` inside a class is a `method`). */
const generalKinds = new Set(['function', 'type']);

function splitTag(capture: string): { role: string; kind: string } {
  const dot = capture.indexOf('.');
  return dot < 0 ? { role: capture, kind: 'unknown' } : { role: capture.slice(0, dot), kind: capture.slice(dot + 1) };
}

/** The zero-based row of a string offset, by binary search over the lines' starts (the source is `lines` joined by newlines). */
function lineFinder(lines: readonly string[]): (offset: number) => number {
  const starts = new Int32Array(lines.length);
  for (let row = 1; row < lines.length; row++) starts[row] = (starts[row - 1] as number) + (lines[row - 1] as string).length + 1;
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low;
  };
}
/** A referencing line as shown: trimmed, cut to {@link MAX_REFERENCE_TEXT} characters. */
export function referenceText(line: string): string {
  const text = line.trim();
  return text.length > MAX_REFERENCE_TEXT ? `${text.slice(0, MAX_REFERENCE_TEXT - 1)}…` : text;
}
