// Git's own smart-HTTP server for tests: `git http-backend` run as a CGI program behind
// node:http on 127.0.0.1, serving the bare repositories of one folder, and refusing any
// request without the expected `Authorization` header (401 with a Basic challenge, as a
// forge does). Test support only.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A running git HTTP server. */
export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** The Authorization header of every request, in order (undefined when none was sent). */
  readonly authorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** Where `git http-backend` is (`git --exec-path`). */
function backendPath(): string {
  return join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), 'git-http-backend');
}

/** Splits the CGI answer into its status, headers and body, and writes them to the HTTP response. */
function relayCgi(output: Buffer, response: ServerResponse): void {
  const end = output.indexOf('\r\n\r\n');
  const split = end === -1 ? output.indexOf('\n\n') : end;
  const headerText = output.subarray(0, split).toString('latin1');
  const body = output.subarray(split + (end === -1 ? 2 : 4));
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of headerText.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
    else headers[name] = value;
  }
  response.writeHead(status, headers);
  response.end(body);
}

/** Runs one request through `git http-backend` (CGI: the request in the environment and on stdin). */
function serveGit(backend: string, projectRoot: string, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const header = (name: string): string => String(request.headers[name] ?? '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    // receive-pack (push) is served to authenticated users only.
    REMOTE_USER: 'minions-test',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_METHOD: request.method ?? 'GET',
    PATH_INFO: decodeURIComponent(url.pathname),
    QUERY_STRING: url.search.replace(/^\?/, ''),
    CONTENT_TYPE: header('content-type'),
    ...(request.headers['content-length'] === undefined ? {} : { CONTENT_LENGTH: header('content-length') }),
    ...(request.headers['content-encoding'] === undefined ? {} : { HTTP_CONTENT_ENCODING: header('content-encoding') }),
    ...(request.headers['git-protocol'] === undefined ? {} : { GIT_PROTOCOL: header('git-protocol') }),
  };
  const child = spawn(backend, [], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  child.on('close', () => relayCgi(Buffer.concat(chunks), response));
  request.pipe(child.stdin);
}

/** Starts a git HTTP server over the bare repositories in `projectRoot` that requires `authorization` on every request. */
export async function startGitHttpServer(projectRoot: string, authorization: string): Promise<GitHttpServer> {
  const backend = backendPath();
  const authorizations: (string | undefined)[] = [];
  const server = createServer((request, response) => {
    authorizations.push(request.headers.authorization);
    if (request.headers.authorization !== authorization) {
      request.resume();
      response.writeHead(401, { 'www-authenticate': 'Basic realm="git"', 'content-type': 'text/plain' });
      response.end('authentication required\n');
      return;
    }
    serveGit(backend, projectRoot, request, response);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authorizations,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
