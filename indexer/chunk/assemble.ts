import { createHash } from 'node:crypto';
import type { Chunk, ChunkKind, LanguageId } from '../../schemas/index.js';
import type { LanguageSpec } from './language-spec.js';
import { linesCost, splitLines, trimBlank, type ContentLine } from './split.js';
import { expandSymbol, type SymbolNode } from './symbols.js';

/** What every chunk of one file shares. */
export interface FileContext {
  path: string;
  language: LanguageId;
  lines: readonly string[];
  maxTokens: number;
}

/** The text a chunk is embedded as: its header, then its content. */
export function embeddingText(chunk: Pick<Chunk, 'header' | 'content'>): string {
  return `${chunk.header}\n${chunk.content}`;
}

interface ChunkIdentity {
  kind: ChunkKind;
  name: string;
  qualifiedName: string;
  signature: string;
  doc: string | undefined;
  /** Path and enclosing signatures, repeated in every part. */
  header: string;
}

/** Builds one chunk per part; a single part carries no part number. */
export function partsToChunks(file: FileContext, identity: ChunkIdentity, parts: readonly ContentLine[][]): Chunk[] {
  return parts.map((lines, index) => {
    const header = parts.length > 1 ? `${identity.header} (part ${index + 1}/${parts.length})` : identity.header;
    const content = lines.map((line) => line.text).join('\n');
    const chunk: Chunk = {
      path: file.path,
      language: file.language,
      kind: identity.kind,
      name: identity.name,
      qualifiedName: identity.qualifiedName,
      signature: identity.signature,
      startLine: (lines[0]?.startRow ?? 0) + 1,
      endLine: (lines[lines.length - 1]?.endRow ?? 0) + 1,
      content,
      header,
      contentHash: createHash('sha256').update(`${header}\n${content}`).digest('hex'),
    };
    if (identity.doc !== undefined && index === 0) chunk.doc = identity.doc;
    if (parts.length > 1) chunk.part = { index: index + 1, count: parts.length };
    return chunk;
  });
}

/** Children in source order, dropping any that overlap an earlier one (two symbols on one line). */
function ordered(children: readonly SymbolNode[]): SymbolNode[] {
  const sorted = [...children].sort((left, right) => left.startRow - right.startRow);
  const kept: SymbolNode[] = [];
  for (const child of sorted) {
    const last = kept[kept.length - 1];
    if (!last || child.startRow > last.endRow) kept.push(child);
  }
  return kept;
}

/** A symbol's own lines: its rows, with each nested symbol that has a chunk of its own elided to its signature. */
function ownLines(file: FileContext, symbol: SymbolNode): ContentLine[] {
  const result: ContentLine[] = [];
  const children = ordered(symbol.children);
  let next = 0;
  for (let row = symbol.startRow; row <= symbol.endRow; row++) {
    const child = children[next];
    if (child && row === child.startRow) {
      const firstLine = file.lines[child.node.startPosition.row] ?? '';
      const indent = firstLine.slice(0, firstLine.length - firstLine.trimStart().length);
      result.push({ text: `${indent}${child.signature} …`, startRow: child.startRow, endRow: child.endRow });
      row = child.endRow;
      next++;
    } else {
      result.push({ text: file.lines[row] ?? '', startRow: row, endRow: row });
    }
  }
  return trimBlank(result);
}

/** Chunks of a symbol and, recursively, of the symbols nested in it. */
export function symbolChunks(spec: LanguageSpec, file: FileContext, source: string, symbol: SymbolNode, ancestors: readonly string[]): Chunk[] {
  let lines = ownLines(file, symbol);
  if (linesCost(lines) > file.maxTokens && !symbol.expanded) {
    expandSymbol(spec, symbol, source);
    if (symbol.children.length > 0) lines = ownLines(file, symbol);
  }
  const header = [file.path, ...ancestors.slice(-2), symbol.signature].join(' › ');
  const identity: ChunkIdentity = { ...symbol, header };
  const chunks = partsToChunks(file, identity, splitLines(lines, file.maxTokens));
  for (const child of ordered(symbol.children)) {
    chunks.push(...symbolChunks(spec, file, source, child, [...ancestors, symbol.signature]));
  }
  return chunks;
}

/** The file's top-level code outside any symbol, in runs; small runs are packed together up to the budget. */
export function moduleChunks(file: FileContext, symbols: readonly SymbolNode[]): Chunk[] {
  const runs: ContentLine[][] = [];
  let current: ContentLine[] = [];
  let next = 0;
  const topLevel = ordered(symbols);
  for (let row = 0; row < file.lines.length; row++) {
    const symbol = topLevel[next];
    if (symbol && row === symbol.startRow) {
      runs.push(current);
      current = [];
      row = symbol.endRow;
      next++;
    } else {
      current.push({ text: file.lines[row] ?? '', startRow: row, endRow: row });
    }
  }
  runs.push(current);
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  const identity: ChunkIdentity = { kind: 'module', name, qualifiedName: file.path, signature: `module ${name}`, doc: undefined, header: `${file.path} › module` };
  return partsToChunks(file, identity, packRuns(runs.map(trimBlank).filter((run) => run.length > 0), file.maxTokens));
}

function packRuns(runs: readonly ContentLine[][], budget: number): ContentLine[][] {
  const parts: ContentLine[][] = [];
  let current: ContentLine[] = [];
  let used = 0;
  for (const run of runs) {
    const cost = linesCost(run);
    if (cost > budget) {
      if (current.length > 0) parts.push(current);
      parts.push(...splitLines(run, budget));
      current = [];
      used = 0;
    } else if (current.length === 0 || used + cost <= budget) {
      current = current.length === 0 ? [...run] : [...current, ...run];
      used += cost;
    } else {
      parts.push(current);
      current = [...run];
      used = cost;
    }
  }
  if (current.length > 0) parts.push(current);
  return parts;
}
