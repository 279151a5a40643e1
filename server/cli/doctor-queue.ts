// `minions doctor`'s check of the task queue, when one is configured (MINIONS_QUEUE): the URL
// (a password off loopback), Redis answering, its version, and the queue's counts.
import { readSetting } from '../settings.js';
import { attempt, type DoctorCheck } from './doctor-checks.js';

/** The queue's check; none without MINIONS_QUEUE (the in-process queue needs nothing). */
export async function checkQueue(env: NodeJS.ProcessEnv): Promise<DoctorCheck[]> {
  const url = readSetting('queue', env);
  if (url === undefined || url === '') return [];
  const fix = 'start redis-server (apt-get install redis-server) and check MINIONS_QUEUE: redis://[:password@]host:port';
  return [
    await attempt('task queue', async () => {
      const { checkRedis, connectRedis, queueName, redactedUrl, redisConnection } = await import('../queue/redis-connection.js');
      const connection = redisConnection(url);
      const redis = connectRedis(connection, 'minions-doctor');
      try {
        await checkRedis(redis, connection, 3000);
        const version = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
        const { Queue } = await import('bullmq');
        const queue = new Queue(queueName, { connection });
        try {
          const counts = await queue.getJobCounts('waiting', 'active', 'failed');
          return { name: 'task queue', status: 'ok', detail: `Redis ${version} at ${redactedUrl(url)}: ${counts['waiting'] ?? 0} waiting, ${counts['active'] ?? 0} running, ${counts['failed'] ?? 0} failed` };
        } finally {
          await queue.close();
        }
      } finally {
        redis.disconnect();
      }
    }, fix),
  ];
}
