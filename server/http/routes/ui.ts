import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Where the static files of the UI are served from, besides `/` itself. */
export const uiAssetPrefix = '/ui/';

/**
 * The UI's response headers. The page loads only its own script and stylesheet, so
 * nothing else may run or load (a snippet or a model's reply rendered as text can never
 * become script), and no other site may frame it or read where it came from.
 */
export const uiSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The folder of the bundled UI (`dist/ui`, which `npm run build` writes), found upwards
 * from this file: it runs from `server/http/routes` under tsx and from
 * `dist/server/http/routes` once compiled, and both lie below the package root.
 */
export async function defaultUiDir(): Promise<string> {
  for (let folder = new URL('.', import.meta.url); ; folder = new URL('..', folder)) {
    const manifest = await readFile(new URL('package.json', folder), 'utf8').catch(() => undefined);
    if (manifest !== undefined) return join(fileURLToPath(folder), 'dist', 'ui');
    if (folder.pathname === '/') return join(fileURLToPath(new URL('.', import.meta.url)), 'ui');
  }
}

/** One file of the UI, with the validator a browser revalidates it by. */
interface Asset {
  body: Buffer;
  etag: string;
}

/** The UI's files, read once at start: a handful of small files that change only with a new build. */
async function loadAssets(folder: string): Promise<Map<string, Asset>> {
  const assets = new Map<string, Asset>();
  const names = await readdir(folder).catch(() => [] as string[]);
  for (const name of names) {
    if (contentTypes[extname(name)] === undefined) continue;
    const body = await readFile(join(folder, name));
    assets.set(name, { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, name: string, asset: Asset): FastifyReply {
  // Revalidated on each load (a new build must show at once); unchanged files cost a 304.
  reply.headers(uiSecurityHeaders).header('cache-control', 'no-cache').header('etag', asset.etag);
  if (request.headers['if-none-match'] === asset.etag) return reply.status(304).send();
  return reply.type(contentTypes[extname(name)] ?? 'application/octet-stream').send(asset.body);
}

/**
 * The web UI: `GET /` is its page, `GET /ui/<file>` its script and stylesheet, all from
 * the bundle built at install. Without a bundle (a checkout that never ran
 * `npm run build`), `/` says how to build it; the API works either way.
 */
export const uiRoutes: FastifyPluginAsyncTypebox<{ folder: string }> = async (app, { folder }) => {
  const assets = await loadAssets(folder);
  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const page = assets.get('index.html');
    if (page !== undefined) return sendAsset(request, reply, 'index.html', page);
    // 404, not a 5xx: nothing failed, this installation just has no UI to serve.
    return reply
      .status(404)
      .headers(uiSecurityHeaders)
      .type('text/plain; charset=utf-8')
      .send(`The web UI is not built (no ${join(folder, 'index.html')}): run npm run build. The API is at /v1 and documented at /docs.\n`);
  });
  app.get<{ Params: { file: string } }>(`${uiAssetPrefix}:file`, { schema: { hide: true } }, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (asset === undefined || request.params.file === 'index.html') return reply.callNotFound();
    return sendAsset(request, reply, request.params.file, asset);
  });
};
