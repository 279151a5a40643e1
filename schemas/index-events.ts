import { Type, type Static } from '@sinclair/typebox';

/** Counts an indexing run reports at its end. */
export const IndexSummary = Type.Object({
  repositoryId: Type.String(),
  root: Type.String(),
  files: Type.Integer({ description: 'files the index holds after the run' }),
  chunks: Type.Integer({ description: 'chunks the index holds after the run' }),
  changed: Type.Integer({ description: 'files (re)chunked in this run' }),
  deleted: Type.Integer(),
  unchanged: Type.Integer(),
  skipped: Type.Integer({ description: 'files seen but not chunked (binary, minified, generated, too large, ...)' }),
  embedded: Type.Integer({ description: 'chunks sent to the embedding model in this run' }),
  cached: Type.Integer({ description: 'chunks whose vector came from the cache' }),
  seconds: Type.Number(),
  rebuilt: Type.Optional(Type.String({ description: 'why the index was rebuilt from nothing, when it was' })),
});
export type IndexSummary = Static<typeof IndexSummary>;

/** Progress of an indexing run, as a typed event stream for the CLI, logs and (later) the server. */
export const IndexEvent = Type.Union([
  Type.Object({ type: Type.Literal('index-start'), repositoryId: Type.String(), root: Type.String() }),
  Type.Object({ type: Type.Literal('index-rebuild'), reason: Type.String() }),
  Type.Object({
    type: Type.Literal('scan-end'),
    files: Type.Integer(),
    toProcess: Type.Integer(),
    deleted: Type.Integer(),
    unchanged: Type.Integer(),
  }),
  Type.Object({
    type: Type.Literal('batch-end'),
    filesDone: Type.Integer(),
    filesTotal: Type.Integer(),
    chunks: Type.Integer(),
    embedded: Type.Integer(),
    cached: Type.Integer(),
  }),
  Type.Object({
    type: Type.Literal('text-ready'),
    files: Type.Integer({ description: 'files re-chunked, now searchable by text' }),
    deleted: Type.Integer(),
    chunks: Type.Integer(),
    pending: Type.Integer({ description: 'chunks waiting for their vectors' }),
  }),
  Type.Object({ type: Type.Literal('vectors-ready'), embedded: Type.Integer(), cached: Type.Integer() }),
  Type.Object({
    type: Type.Literal('text-end'),
    files: Type.Integer({ description: 'files (re)chunked in this run, now searchable by text' }),
    deleted: Type.Integer(),
    chunks: Type.Integer({ description: 'chunks the index holds' }),
    pending: Type.Integer({ description: 'chunks waiting for their vectors: the vector phase that follows embeds them' }),
    seconds: Type.Number({ description: 'since the run started' }),
  }),
  Type.Object({
    type: Type.Literal('vectors-progress'),
    done: Type.Integer({ description: 'chunks given their vector so far in the vector phase' }),
    total: Type.Integer({ description: 'chunks that waited for a vector when the phase started' }),
    embedded: Type.Integer(),
    cached: Type.Integer(),
  }),
  Type.Object({ type: Type.Literal('file-skipped'), path: Type.String(), reason: Type.String(), detail: Type.String() }),
  Type.Object({ type: Type.Literal('index-end'), summary: IndexSummary }),
]);
export type IndexEvent = Static<typeof IndexEvent>;
