import type Parser from 'tree-sitter';
import type { Chunk, LanguageId } from '../../schemas/index.js';
import { extractTags, type FileSymbols } from '../graph/extract-tags.js';
import { moduleChunks, symbolChunks, type FileContext } from './assemble.js';
import type { LanguageSpec } from './language-spec.js';
import { languageForPath } from './languages/index.js';
import { lineWindowChunks } from './line-windows.js';
import { collectSymbols, MAX_NESTING_DEPTH, type WalkState } from './symbols.js';
import { DEFAULT_MAX_TOKENS } from './tokens.js';

/** Options of the chunker. */
export interface ChunkOptions {
  /** Size budget of one chunk in estimated tokens (default {@link DEFAULT_MAX_TOKENS}). */
  maxTokens?: number;
  /** Give up parsing after this long and fall back to line windows (default 5 s). */
  parseTimeoutMs?: number;
  /** Keep at most this many chunks of one file, the first in line order (default {@link DEFAULT_MAX_CHUNKS}). */
  maxChunks?: number;
}

/**
 * Chunks kept per file at most. Ordinary files stay below it (the most in the Python
 * standard library: 982); a file of tens of thousands of one-line functions would cost
 * one embedding each, so one file could make indexing take hours.
 */
export const DEFAULT_MAX_CHUNKS = 2000;

/** The chunks of one file and how they were made. */
export interface ChunkedFile {
  path: string;
  language: LanguageId;
  /** `symbols`: from the syntax tree; `lines`: line windows (no grammar, or the parse failed). */
  method: 'symbols' | 'lines';
  /** Why line windows were used, for the whole file or (nesting too deep) for a part of it; or that chunks were capped. */
  note?: string;
  /** Set when the file made more chunks than the cap: how many it made, and how many (the first) were kept. */
  capped?: { total: number; kept: number };
  chunks: Chunk[];
  /** The file's part of the symbol graph, from the same tree (empty when line windows were used). */
  graph: FileSymbols;
}

const emptyGraph = (): FileSymbols => ({ definitions: [], references: [], imports: [] });

const parsers = new Map<LanguageId, Promise<Parser>>();

/** One parser per language, created on first use (grammars are native modules, loaded lazily). */
function parserFor(spec: LanguageSpec): Promise<Parser> {
  let parser = parsers.get(spec.id);
  if (!parser) {
    // The runtime too loads on first use: a process that only queries the index never parses.
    parser = Promise.all([import('tree-sitter'), spec.grammar()]).then(([{ default: TreeSitter }, grammar]) => {
      const instance = new TreeSitter();
      instance.setLanguage(grammar as Parser.Language);
      return instance;
    });
    parsers.set(spec.id, parser);
  }
  return parser;
}

/** Share of non-blank rows inside ERROR nodes; above half, the tree is not trusted. */
function errorShare(tree: Parser.Tree, lines: readonly string[]): number {
  if (!tree.rootNode.hasError) return 0;
  const rows = new Set<number>();
  for (const error of tree.rootNode.descendantsOfType('ERROR')) {
    for (let row = error.startPosition.row; row <= error.endPosition.row; row++) if (lines[row]?.trim()) rows.add(row);
  }
  const nonBlank = lines.filter((line) => line.trim() !== '').length;
  return nonBlank === 0 ? 0 : rows.size / nonBlank;
}

/**
 * Chunks the text of one file: symbols when a grammar knows its extension, line
 * windows otherwise or when the parse fails. Expects decoded text (see the files
 * module for binary, encoding and size checks); never throws on malformed code.
 * Keeps at most `maxChunks` chunks, the first in line order (`capped` says so).
 */
export async function chunkText(path: string, text: string, options: ChunkOptions = {}): Promise<ChunkedFile> {
  return capChunks(await chunkWhole(path, text, options), options.maxChunks ?? DEFAULT_MAX_CHUNKS);
}

/** Keeps the first `maxChunks` chunks in line order, saying so in the note. */
function capChunks(file: ChunkedFile, maxChunks: number): ChunkedFile {
  const total = file.chunks.length;
  if (total <= maxChunks) return file;
  const chunks = file.chunks.slice(0, maxChunks);
  const lastLine = chunks.reduce((last, chunk) => Math.max(last, chunk.endLine), 0);
  const note = `${total} chunks, over the cap of ${maxChunks}: only the first ${maxChunks} (to line ${lastLine}) are kept`;
  return { ...file, chunks, capped: { total, kept: maxChunks }, note: file.note === undefined ? note : `${file.note}; ${note}` };
}

async function chunkWhole(path: string, text: string, options: ChunkOptions): Promise<ChunkedFile> {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const source = text.replace(/\r\n?/g, '\n');
  const lines = source.split('\n');
  const spec = languageForPath(path);
  if (!spec) return { path, language: 'text', method: 'lines', note: 'no grammar for this file type', chunks: lineWindowChunks(path, 'text', lines, maxTokens), graph: emptyGraph() };
  const fallback = (note: string): ChunkedFile => ({ path, language: spec.id, method: 'lines', note, chunks: lineWindowChunks(path, spec.id, lines, maxTokens), graph: emptyGraph() });
  let tree: Parser.Tree | null;
  try {
    const parser = await parserFor(spec);
    parser.setTimeoutMicros((options.parseTimeoutMs ?? 5000) * 1000);
    tree = parser.parse(source, null, { bufferSize: Math.max(32 * 1024, source.length * 2 + 16) });
  } catch (error) {
    return fallback(`parse failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!tree) return fallback('parse timed out');
  const share = errorShare(tree, lines);
  if (share > 0.5) return fallback(`parse failed: ${Math.round(share * 100)}% of lines are syntax errors`);
  const file: FileContext = { path, language: spec.id, lines, maxTokens };
  const walk: WalkState = { capped: false };
  let chunks: Chunk[];
  try {
    chunks = symbolStage(spec, file, tree, source, walk);
  } catch (error) {
    // A safety net: a defect in the walk must cost this file its symbols, never a repository its index.
    return fallback(`chunking failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const result: ChunkedFile = { path, language: spec.id, method: 'symbols', chunks, graph: await graphOf(spec, tree, source, lines) };
  if (walk.capped) result.note = `nesting deeper than ${MAX_NESTING_DEPTH} levels kept as line windows of the enclosing symbol`;
  return result;
}

/** The chunks of a parsed file: its symbols and its module-level code, in line order. */
function symbolStage(spec: LanguageSpec, file: FileContext, tree: Parser.Tree, source: string, walk: WalkState): Chunk[] {
  const symbols = collectSymbols(spec, tree.rootNode, source, { prefix: '', inType: false, depth: 0, walk });
  const chunks = moduleChunks(file, symbols);
  for (const symbol of symbols) chunks.push(...symbolChunks(spec, file, source, symbol, []));
  chunks.sort((left, right) => left.startLine - right.startLine || right.endLine - left.endLine);
  return chunks;
}

/** The file's tags; a defect in a query costs this file its graph, never its chunks. */
async function graphOf(spec: LanguageSpec, tree: Parser.Tree, source: string, lines: readonly string[]): Promise<FileSymbols> {
  try {
    return await extractTags(spec, tree, source, lines);
  } catch {
    return emptyGraph();
  }
}
