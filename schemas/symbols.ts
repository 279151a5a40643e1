import { Type, type Static } from '@sinclair/typebox';
import { LanguageId } from './chunk.js';

/**
 * A definition in a repository's symbol graph: a function, method, class, type,
 * constant... found by the language's tags query. Lines are 1-based and inclusive;
 * `signature` is the declaration's first line(s) without its body.
 */
export const SymbolDefinition = Type.Object({
  path: Type.String(),
  language: LanguageId,
  name: Type.String(),
  /** The kind the tags query captured (`function`, `method`, `class`, `interface`, `type`, `constant`, `module`, ...). */
  kind: Type.String(),
  startLine: Type.Integer({ minimum: 1 }),
  endLine: Type.Integer({ minimum: 1 }),
  signature: Type.String(),
});
export type SymbolDefinition = Static<typeof SymbolDefinition>;

/** A use of a name (a call, a type or constructor use, an import of it): where, and the line's text. */
export const SymbolReference = Type.Object({
  path: Type.String(),
  language: LanguageId,
  name: Type.String(),
  line: Type.Integer({ minimum: 1 }),
  /** The referencing line, trimmed and cut to a bounded length. */
  text: Type.String(),
});
export type SymbolReference = Static<typeof SymbolReference>;

/** What the graph knows of one name (`GET /v1/repositories/:id/symbols?name=`, `find_definition`, `find_references`). */
export const SymbolsResponse = Type.Object({
  name: Type.String(),
  definitions: Type.Array(SymbolDefinition),
  references: Type.Array(SymbolReference),
  /** Set when more references exist than the answer lists. */
  truncated: Type.Optional(Type.Boolean()),
});
export type SymbolsResponse = Static<typeof SymbolsResponse>;

/**
 * What a repo map is personalised by: files in play (named in the task, edited, top
 * search hits), symbols (identifiers named in the task or matched by the query), and
 * the task text, whose identifiers count as named symbols.
 */
export const RepoMapRequest = Type.Object(
  {
    focusFiles: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 200 })),
    focusSymbols: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 200 })),
    text: Type.Optional(Type.String({ maxLength: 16384 })),
    /** Files the map leaves out because the caller shows them already (in full, or as search hits); they still personalise the ranking. */
    exclude: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 4096 }), { maxItems: 200 })),
    /** The most tokens the rendered map may take. */
    budgetTokens: Type.Integer({ minimum: 64, maximum: 65536 }),
  },
  { additionalProperties: false },
);
export type RepoMapRequest = Static<typeof RepoMapRequest>;

/** One file of a repo map: its rank and the key definitions shown for it. */
export const RepoMapFile = Type.Object({
  path: Type.String(),
  rank: Type.Number(),
  definitions: Type.Array(Type.Object({ name: Type.String(), kind: Type.String(), line: Type.Integer(), signature: Type.String() })),
});
export type RepoMapFile = Static<typeof RepoMapFile>;

/** A rendered repo map: the outline text (within the budget), its token count and the files it shows, best first. */
export const RepoMap = Type.Object({
  text: Type.String(),
  tokens: Type.Integer({ minimum: 0 }),
  files: Type.Array(RepoMapFile),
});
export type RepoMap = Static<typeof RepoMap>;

/**
 * `GET /v1/repositories/:id/symbols` query string: the name (a plain or qualified
 * identifier) and how many references at most (1-1000, default 50). Query strings are
 * not coerced (the server's Ajv keeps types strict), so `limit` is digits.
 */
export const SymbolsQuery = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, pattern: '\\S', description: 'the name to look up; a qualified name (`Ledger.settle`, `bank::Ledger`) also matches its last segment' }),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,2}$|^1000$', description: 'most references listed (1-1000, default 50)' })),
  },
  { additionalProperties: false },
);
export type SymbolsQuery = Static<typeof SymbolsQuery>;
