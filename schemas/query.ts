import { Type, type Static } from '@sinclair/typebox';
import { ChunkKind, LanguageId } from './chunk.js';

/** How a query ranks chunks: BM25 over the full-text index, cosine over embeddings, or both fused. */
export const QueryMode = Type.Union([Type.Literal('hybrid'), Type.Literal('vector'), Type.Literal('text')]);
export type QueryMode = Static<typeof QueryMode>;

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
  },
  { additionalProperties: false },
);
export type QueryRequest = Static<typeof QueryRequest>;

/** One ranked chunk. `symbol` is the chunk's qualified name; paths are relative to the repository. */
export const QueryResult = Type.Object({
  path: Type.String(),
  startLine: Type.Integer(),
  endLine: Type.Integer(),
  symbol: Type.String(),
  kind: ChunkKind,
  language: LanguageId,
  score: Type.Number(),
  snippet: Type.String(),
});
export type QueryResult = Static<typeof QueryResult>;

/** The answer to a query, best first, and the mode that answered it (the best available one when the request named none). */
export const QueryResponse = Type.Object({ results: Type.Array(QueryResult), mode: Type.Optional(QueryMode) });
export type QueryResponse = Static<typeof QueryResponse>;
