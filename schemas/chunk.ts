import { Type, type Static } from '@sinclair/typebox';

/** Languages the chunker parses with tree-sitter; `text` is any other file, chunked by line windows. */
export const LanguageId = Type.Union([
  Type.Literal('typescript'),
  Type.Literal('tsx'),
  Type.Literal('javascript'),
  Type.Literal('python'),
  Type.Literal('go'),
  Type.Literal('rust'),
  Type.Literal('java'),
  Type.Literal('c'),
  Type.Literal('cpp'),
  Type.Literal('csharp'),
  Type.Literal('ruby'),
  Type.Literal('php'),
  Type.Literal('text'),
]);
export type LanguageId = Static<typeof LanguageId>;

/**
 * What a chunk holds. `module` is top-level code between symbols; `block` is a
 * line window of a file that has no grammar or did not parse.
 */
export const ChunkKind = Type.Union([
  Type.Literal('function'),
  Type.Literal('method'),
  Type.Literal('class'),
  Type.Literal('struct'),
  Type.Literal('interface'),
  Type.Literal('enum'),
  Type.Literal('trait'),
  Type.Literal('impl'),
  Type.Literal('type'),
  Type.Literal('namespace'),
  Type.Literal('module'),
  Type.Literal('block'),
]);
export type ChunkKind = Static<typeof ChunkKind>;

/** One symbol-level piece of a source file: the unit that is embedded, indexed and returned by queries. */
export const Chunk = Type.Object({
  /** Path relative to the repository root, with `/` separators. */
  path: Type.String(),
  language: LanguageId,
  kind: ChunkKind,
  /** Bare symbol name (`hijack`); for module and block chunks, the file name. */
  name: Type.String(),
  /** Name with its enclosing types (`Reply.hijack`, `Ledger::settle`). */
  qualifiedName: Type.String(),
  /** The declaration's first line(s) up to its body, whitespace collapsed. */
  signature: Type.String(),
  /** 1-based, inclusive. */
  startLine: Type.Integer({ minimum: 1 }),
  endLine: Type.Integer({ minimum: 1 }),
  /** Source text of the chunk; nested symbols that have chunks of their own are elided to one line. */
  content: Type.String(),
  /** Doc comment or docstring attached to the symbol, when there is one. */
  doc: Type.Optional(Type.String()),
  /** Short context repeated in every part: path and enclosing signature. Prepended to `content` for embedding. */
  header: Type.String(),
  /** Set when a symbol over the size budget was split: 1-based part index and part count. */
  part: Type.Optional(Type.Object({ index: Type.Integer({ minimum: 1 }), count: Type.Integer({ minimum: 1 }) })),
  /** sha256 (hex) of the embedding text (`header` + newline + `content`): equal hashes embed to equal vectors. */
  contentHash: Type.String(),
});
export type Chunk = Static<typeof Chunk>;

/**
 * Why a file yields no chunks: `invalid-name`, a file or folder name that is not valid
 * UTF-8 (it could not be opened, stored or searched under its name); `too-many-chunks`,
 * a file that would make more chunks than the per-file cap, of which only the first
 * ones are kept (the one reason that still leaves chunks).
 */
export const SkipReason = Type.Union([
  Type.Literal('binary'),
  Type.Literal('minified'),
  Type.Literal('generated'),
  Type.Literal('too-large'),
  Type.Literal('encoding'),
  Type.Literal('unreadable'),
  Type.Literal('empty'),
  Type.Literal('symlink'),
  Type.Literal('invalid-name'),
  Type.Literal('too-many-chunks'),
]);
export type SkipReason = Static<typeof SkipReason>;

/** A file the chunker did not chunk, and why, in words a user can act on. */
export const SkippedFile = Type.Object({
  path: Type.String(),
  reason: SkipReason,
  detail: Type.String(),
});
export type SkippedFile = Static<typeof SkippedFile>;
