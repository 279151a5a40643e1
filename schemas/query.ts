import { Type, type Static } from '@sinclair/typebox';
import { ChunkKind, LanguageId } from './chunk.js';

/** How a query ranks chunks: BM25 over the full-text index, cosine over embeddings, or both fused. */
export const QueryMode = Type.Union([Type.Literal('hybrid'), Type.Literal('vector'), Type.Literal('text')]);
export type QueryMode = Static<typeof QueryMode>;

/** What a query ranks: symbols (the parts of one symbol folded into one result) or files. */
export const QueryGroup = Type.Union([Type.Literal('chunk'), Type.Literal('file')]);
export type QueryGroup = Static<typeof QueryGroup>;

/** Restricts a query to some languages and/or a path prefix (relative to the repository). */
export const QueryFilters = Type.Object(
  {
    languages: Type.Optional(Type.Array(LanguageId, { minItems: 1 })),
    pathPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type QueryFilters = Static<typeof QueryFilters>;

/** A semantic query over one repository's index (`POST /v1/query`, `minions query`). */
export const QueryRequest = Type.Object(
  {
    repo: Type.String({ minLength: 1, maxLength: 4096 }),
    query: Type.String({ minLength: 1, maxLength: 4096 }),
    k: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 10 })),
    /** Obeyed or refused; without it the best available mode answers (hybrid with the index's own embedder, else text). */
    mode: Type.Optional(QueryMode),
    filters: Type.Optional(QueryFilters),
    /** `file` answers the k best files, each with its best symbols (`files`); `chunk` (the default) the k best symbols. */
    group: Type.Optional(QueryGroup),
  },
  { additionalProperties: false },
);
export type QueryRequest = Static<typeof QueryRequest>;

/**
 * One ranked symbol. `symbol` is its qualified name; paths are relative to the
 * repository. A symbol split into parts for embedding is one result: its best part's
 * score, the whole symbol's lines, a snippet from its signature, and `parts` (set only
 * when there are several).
 */
export const QueryResult = Type.Object({
  path: Type.String(),
  startLine: Type.Integer(),
  endLine: Type.Integer(),
  symbol: Type.String(),
  kind: ChunkKind,
  language: LanguageId,
  score: Type.Number(),
  snippet: Type.String(),
  parts: Type.Optional(Type.Integer({ minimum: 2 })),
});
export type QueryResult = Static<typeof QueryResult>;

/** One ranked file of a `group: 'file'` answer: its score (best symbol plus a small bonus for more), how many of its symbols matched, the best of them. */
export const FileResult = Type.Object({
  path: Type.String(),
  language: LanguageId,
  score: Type.Number(),
  matches: Type.Integer({ minimum: 1 }),
  symbols: Type.Array(QueryResult),
});
export type FileResult = Static<typeof FileResult>;

/**
 * The answer to a query, best first, and the mode that answered it (the best available
 * one when the request named none). With `group: 'file'`, `files` holds the ranked files
 * and `results` their symbols in file order.
 */
export const QueryResponse = Type.Object({
  results: Type.Array(QueryResult),
  files: Type.Optional(Type.Array(FileResult)),
  mode: Type.Optional(QueryMode),
  /** Below `total` while indexing embeds: vector ranking covers the embedded chunks only, text ranking all of them. */
  embedded: Type.Optional(Type.Object({ chunks: Type.Integer({ description: 'chunks with their vector' }), total: Type.Integer({ description: 'chunks the index holds' }) })),
});
export type QueryResponse = Static<typeof QueryResponse>;
