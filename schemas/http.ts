import { Type, type Static } from '@sinclair/typebox';
import { RepositoryPublish } from './forge.js';
import { Task, TaskStatus } from './task.js';

/** The one shape of every HTTP error: a code for machines, a message for people, optional details. */
export const ErrorEnvelope = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'invalid-argument, not-found, unauthorized, conflict, queue-full, agent-unavailable, internal, ...' }),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { additionalProperties: false },
);
export type ErrorEnvelope = Static<typeof ErrorEnvelope>;

/** `GET /healthz`: the process is up and serving. */
export const Health = Type.Object({ status: Type.Literal('ok') });
export type Health = Static<typeof Health>;

/** `POST /v1/repositories`: an absolute path to a repository folder on the server's machine. */
export const RepositoryRegistration = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 4096, description: 'absolute path of the repository root' }),
    publish: Type.Optional(Type.Union([RepositoryPublish, Type.Null()], { description: "where tasks' branches are pushed and pull requests opened; registering again replaces it, null removes it" })),
  },
  { additionalProperties: false },
);
export type RepositoryRegistration = Static<typeof RepositoryRegistration>;

/** Where a registered repository's index is: being built or refreshed, usable, or failed. */
export const RepositoryStatus = Type.Union([Type.Literal('indexing'), Type.Literal('ready'), Type.Literal('error')]);
export type RepositoryStatus = Static<typeof RepositoryStatus>;

/** Counts of the current (or last) indexing run. */
export const IndexingProgress = Type.Object({
  filesDone: Type.Integer(),
  filesTotal: Type.Integer(),
  chunks: Type.Integer({ description: 'chunks written by this run' }),
  embedded: Type.Integer(),
  cached: Type.Integer(),
});
export type IndexingProgress = Static<typeof IndexingProgress>;

/** A registered repository with the state of its index. */
export const Repository = Type.Object({
  id: Type.String({ description: 'stable id derived from the real path of the root' }),
  root: Type.String({ description: 'real path of the repository root' }),
  status: RepositoryStatus,
  progress: IndexingProgress,
  files: Type.Integer({ description: 'files the index holds' }),
  chunks: Type.Integer({ description: 'chunks the index holds' }),
  watching: Type.Boolean({ description: 'whether file changes are indexed live' }),
  registeredAt: Type.String(),
  indexedAt: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  publish: Type.Optional(RepositoryPublish),
});
export type Repository = Static<typeof Repository>;

/** `GET /v1/repositories` */
export const RepositoryList = Type.Object({ repositories: Type.Array(Repository) });
export type RepositoryList = Static<typeof RepositoryList>;

/** Path parameter of the routes of one repository or one task. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' }) }, { additionalProperties: false });
export type IdParams = Static<typeof IdParams>;

/** `GET /v1/tasks` filters. */
export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(TaskStatus),
    repo: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'path or id of a registered repository' })),
  },
  { additionalProperties: false },
);
export type TaskListQuery = Static<typeof TaskListQuery>;

/** `GET /v1/tasks`: newest first. */
export const TaskList = Type.Object({ tasks: Type.Array(Task) });
export type TaskList = Static<typeof TaskList>;

/** `POST /v1/tasks` (202) and `POST /v1/tasks/:id/cancel` (202): the task's id and where it is now. */
export const TaskAccepted = Type.Object({ id: Type.String(), status: TaskStatus });
export type TaskAccepted = Static<typeof TaskAccepted>;

/** `GET /v1/tasks/:id/events` request headers: resume after this event. */
export const EventStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({ pattern: '^[0-9]{1,9}$', description: 'seq of the last event received' })),
});
export type EventStreamHeaders = Static<typeof EventStreamHeaders>;
