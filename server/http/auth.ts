import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MinionsError } from '../../schemas/index.js';
import { envelope } from './errors.js';
import { uiAssetPrefix } from './routes/ui.js';

/** Whether an address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`. */
export function isLoopback(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost' || address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Refuses a bind address other machines could reach unless a token is set: such a
 * server runs agents on this machine's code for anyone who can connect.
 */
export function checkBindAddress(host: string, token: string | undefined): void {
  if (isLoopback(host) || (token !== undefined && token.length > 0)) return;
  throw new MinionsError(
    'invalid-argument',
    `Refusing to listen on ${host} without a token: any machine that reaches it could read code and run tasks. Set one with --token or MINIONS_TOKEN, or bind 127.0.0.1.`,
  );
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** Compares two secrets in time independent of where they differ (and of their lengths, through fixed-size digests). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Paths open without a token: liveness, the web UI's static page and assets (which ask for the token themselves),
 * and the CI hook, which a forge calls with an HMAC signature instead.
 */
const openPaths = new Set(['/healthz', '/', '/v1/hooks/ci']);

function isOpenPath(path: string): boolean {
  return openPaths.has(path) || (path.startsWith(uiAssetPrefix) && !path.slice(uiAssetPrefix.length).includes('/'));
}

/** An `onRequest` hook requiring `Authorization: Bearer <token>` on every route but `/healthz` and the UI's static files. */
export function bearerAuth(token: string): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  return async (request, reply) => {
    if (isOpenPath(request.url.split('?')[0] ?? '')) return undefined;
    const header = request.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] !== undefined && sameSecret(match[1], token)) return undefined;
    // Replying from an async hook: return the reply so Fastify stops here.
    return reply
      .status(401)
      .header('www-authenticate', 'Bearer')
      .send(envelope('unauthorized', match ? 'The bearer token is not valid.' : 'This server requires Authorization: Bearer <token>.'));
  };
}
