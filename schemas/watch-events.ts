import { Type, type Static } from '@sinclair/typebox';
import { IndexEvent } from './index-events.js';

const at = Type.Number({ description: 'when it happened, in milliseconds since the epoch' });
const paths = Type.Array(Type.String(), { description: 'paths relative to the repository root; the first 100 at most' });

/** Why the watcher runs a full incremental pass (`indexRepository`) instead of a batch of paths. */
export const ReconcileReason = Type.Union([
  Type.Literal('startup'),
  Type.Literal('ignore-rules-changed'),
  Type.Literal('index-missing'),
]);
export type ReconcileReason = Static<typeof ReconcileReason>;

/** What the watcher of one repository reports: its own events, and those of the indexing passes it runs. */
export const WatchEvent = Type.Union([
  ...IndexEvent.anyOf,
  Type.Object({ type: Type.Literal('watch-reconcile'), reason: ReconcileReason, at }),
  Type.Object({
    type: Type.Literal('watch-ready'),
    repositoryId: Type.String(),
    root: Type.String(),
    files: Type.Integer({ description: 'files the index holds after the startup reconciliation' }),
    at,
  }),
  Type.Object({
    type: Type.Literal('watch-batch-start'),
    batch: Type.Integer({ description: 'sequence number of the batch, from 1' }),
    files: Type.Integer({ description: 'paths in the batch' }),
    paths,
    waitedMs: Type.Number({ description: 'time from the first change of the batch to its start' }),
    at,
  }),
  Type.Object({
    type: Type.Literal('watch-batch-end'),
    batch: Type.Integer(),
    files: Type.Integer(),
    changed: Type.Integer({ description: 'files re-chunked' }),
    deleted: Type.Integer(),
    unchanged: Type.Integer(),
    chunks: Type.Integer({ description: 'chunks written' }),
    embedded: Type.Integer({ description: 'chunk texts sent to the embedder' }),
    cached: Type.Integer({ description: 'chunks whose vector came from the cache' }),
    textMs: Type.Number({ description: 'from the batch start until its chunks were searchable by text' }),
    vectorMs: Type.Number({ description: 'from text-searchable until the vectors were written' }),
    totalMs: Type.Number(),
    at,
  }),
  Type.Object({
    type: Type.Literal('watch-error'),
    message: Type.String(),
    code: Type.String({ description: 'the MinionsError code, or internal' }),
    files: Type.Integer({ description: 'paths of the failed batch; they are retried on their next change or the next reconciliation' }),
    paths,
    at,
  }),
  Type.Object({ type: Type.Literal('watch-optimized'), batches: Type.Integer({ description: 'batches since the last optimisation' }), ms: Type.Number(), at }),
  Type.Object({ type: Type.Literal('repository-missing'), root: Type.String(), message: Type.String(), at }),
]);
export type WatchEvent = Static<typeof WatchEvent>;
