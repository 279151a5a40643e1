// The Redis task queue's surface for the rest of the server: the connection URL's parser,
// the server's queue (`buildApp`'s `taskQueue`), the worker and its code search.
export { redisConnection, redactedUrl, type RedisConnection, type TaskJob, type WorkerMessage } from './redis-connection.js';
export { redisTaskQueue, RedisTaskQueue, type RedisTaskQueueOptions } from './redis-task-queue.js';
export { TaskWorker, type TaskWorkerOptions } from './task-worker.js';
export { remoteSearch } from './remote-search.js';
export { parseClones, RepositoryCache, type CloneSource } from './repository-cache.js';
