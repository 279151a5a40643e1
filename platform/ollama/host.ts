// Where an Ollama host setting points, and whether privacy mode lets minions talk to it.
import { isIP } from 'node:net';
import { MinionsError } from '../../schemas/index.js';

/** Ollama's port when a host is written without one and without a scheme, as the `ollama` CLI reads it. */
const defaultOllamaPort = '11434';

/**
 * The URL the `ollama` client connects to for a host setting: `127.0.0.1:11434`,
 * `gpu.lan` (port 11434), `:11434` (loopback) and full URLs (their scheme's port when
 * none is given). Throws `invalid-argument` for text that is no URL at all.
 */
export function ollamaHostUrl(host: string, where = 'OLLAMA_HOST'): URL {
  const trimmed = host.trim();
  const explicit = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed);
  const text = explicit ? trimmed : `http://${trimmed.startsWith(':') ? `127.0.0.1${trimmed}` : trimmed}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MinionsError('invalid-argument', `The model host "${host}" is not a valid URL (${where}).`);
  }
  if (url.port === '' && !explicit && !trimmed.startsWith(':')) url.port = defaultOllamaPort;
  return url;
}

/** Whether an address only this machine can reach: 127.0.0.0/8, ::1 (also IPv4-mapped) or `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (address === 'localhost' || address.endsWith('.localhost') || address === '::1' || address === '0:0:0:0:0:0:0:1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** What privacy mode allows: on or off, and the hosts allowed besides loopback (`host` or `host:port`, lower case). */
export interface HostPolicy {
  privacy: boolean;
  allowedHosts: readonly string[];
}

/**
 * In privacy mode, a model host (Ollama for chat or embeddings) must be loopback or on
 * the allow-list; anything else is refused here, before any connection is made.
 * `where` names the setting in the message (`the embedder, OLLAMA_HOST`).
 */
export function checkOllamaHost(host: string, where: string, policy: HostPolicy): void {
  if (!policy.privacy) return;
  const url = ollamaHostUrl(host, where);
  const name = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  if (isLoopbackHost(name) || policy.allowedHosts.includes(name) || policy.allowedHosts.includes(`${name}:${port}`)) return;
  throw new MinionsError(
    'invalid-argument',
    `Privacy mode: the model host ${url.host} (${where}) is not on this machine. Use a loopback address, list the host in MINIONS_ALLOWED_HOSTS (e.g. MINIONS_ALLOWED_HOSTS=${name}), or turn privacy mode off with --no-privacy (or MINIONS_PRIVACY=0).`,
  );
}
