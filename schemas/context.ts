import { Type, type Static } from '@sinclair/typebox';

/** `POST /v1/context`, `minions context`: what the agent's first prompt would hold for a task on a repository. */
export const ContextRequest = Type.Object(
  {
    repo: Type.String({ minLength: 1, maxLength: 4096 }),
    task: Type.String({ minLength: 1, maxLength: 16384 }),
    /** The first prompt's token budget; default: the agent's own for the configured model. */
    budget: Type.Optional(Type.Integer({ minimum: 256, maximum: 262144 })),
  },
  { additionalProperties: false },
);
export type ContextRequest = Static<typeof ContextRequest>;

/** The kinds of section a first prompt is made of. */
export const ContextSectionKind = Type.Union([
  Type.Literal('task'),
  Type.Literal('earlier'),
  Type.Literal('rules'),
  Type.Literal('code'),
  Type.Literal('map'),
  Type.Literal('search'),
  Type.Literal('repository'),
]);
export type ContextSectionKind = Static<typeof ContextSectionKind>;

/** A span of a file a section shows (a whole file, a symbol, or a map entry). */
export const ContextSpan = Type.Object({
  path: Type.String(),
  startLine: Type.Integer({ minimum: 1 }),
  endLine: Type.Integer({ minimum: 1 }),
});
export type ContextSpan = Static<typeof ContextSpan>;

/** One section of the first prompt, exactly as the model receives it, with its token count and the spans it shows. */
export const ContextSection = Type.Object({
  kind: ContextSectionKind,
  title: Type.String(),
  text: Type.String(),
  tokens: Type.Integer({ minimum: 0 }),
  spans: Type.Array(ContextSpan),
});
export type ContextSection = Static<typeof ContextSection>;

/** The assembled first prompt: its sections in order, the total tokens, the budget, and the files in play. */
export const ContextResponse = Type.Object({
  budget: Type.Integer(),
  tokens: Type.Integer(),
  files: Type.Array(Type.String()),
  sections: Type.Array(ContextSection),
});
export type ContextResponse = Static<typeof ContextResponse>;
