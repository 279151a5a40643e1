import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `X-Hub-Signature-256` value of a body: `sha256=` and the hex HMAC-SHA256 of its bytes with the secret, as GitHub signs. */
export function signBody(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Whether a signature header is that of the raw body bytes under the secret. The hex is
 * compared in constant time (as bytes of equal length: a header of another length fails
 * before any comparison, which tells nothing about the secret).
 */
export function verifySignature(body: Buffer, header: string | undefined, secret: string): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected);
}
