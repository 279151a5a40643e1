// A per-client token bucket in front of the API: each client (its address) may send
// `burst` requests at once and `perSecond` on average; beyond that, 429 with
// Retry-After. /healthz is exempt, so liveness probes never fail for load.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { envelope } from './errors.js';

/** The rate limit of every client; `perSecond` 0 turns it off. */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

/** Paths never limited: liveness only. */
const exempt = new Set(['/healthz']);
/** Buckets kept at most (the fullest are forgotten first: they are back to `burst` anyway). */
const maxClients = 10_000;

/** An `onRequest` hook enforcing the limit; `now` is injectable for tests. */
export function rateLimiter(limit: RateLimit, now: () => number = () => performance.now()): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const buckets = new Map<string, Bucket>();
  return async (request, reply) => {
    if (limit.perSecond <= 0 || exempt.has(request.url.split('?')[0] ?? '')) return undefined;
    const time = now();
    const client = request.ip;
    const bucket = buckets.get(client) ?? { tokens: limit.burst, updated: time };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((time - bucket.updated) / 1000) * limit.perSecond);
    bucket.updated = time;
    buckets.delete(client);
    buckets.set(client, bucket);
    if (buckets.size > maxClients) buckets.delete(buckets.keys().next().value as string);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond));
    return reply
      .status(429)
      .header('retry-after', String(retryAfter))
      .send(envelope('rate-limited', `Too many requests: at most ${limit.perSecond} per second (bursts of ${limit.burst}) per client; retry in ${retryAfter} s.`, { retryAfterSeconds: retryAfter }));
  };
}
