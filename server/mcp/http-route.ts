// `/mcp` on `minions serve`: the MCP server over Streamable HTTP, stateless (no session id: a new server
// and transport per request, as the SDK recommends when no session state is needed). The
// tools call the app's own routes through `inject` with the caller's Authorization header,
// so MCP sees exactly the API's validation, errors and token rules.
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Logger } from 'pino';
import { errorOfAnswer } from '../server-client.js';
import { createMcpServer } from './mcp-server.js';
import { apiOperations, type JsonApi } from './operations.js';

/** The version the MCP server reports: that of the HTTP API (the OpenAPI document's). */
const API_VERSION = '1.0.0';

/** The app's own JSON routes, called in process with the caller's credentials and address (its rate limit counts them). */
function injectedApi(app: FastifyInstance, caller: { authorization: string | undefined; ip: string }): JsonApi {
  const { authorization, ip } = caller;
  return {
    async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, options: { body?: unknown } = {}): Promise<T> {
      const response = await app.inject({ method, url: path, remoteAddress: ip, headers: authorization === undefined ? {} : { authorization }, ...(options.body === undefined ? {} : { payload: options.body as object }) });
      if (response.statusCode >= 400) throw errorOfAnswer(response.statusCode, response.body, path);
      return (response.body === '' ? undefined : response.json()) as T;
    },
  };
}

const jsonRpcError = (message: string): Record<string, unknown> => ({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });

/** Registers `POST /mcp` (and 405 for GET and DELETE: a stateless server has no stream or session to give). */
export const mcpRoutes: FastifyPluginAsync<{ log: Logger }> = async (app, { log }) => {
  const root = app;
  app.post('/mcp', { schema: { tags: ['mcp'], summary: 'Model Context Protocol (Streamable HTTP, stateless): the minions tools and repositories for MCP clients' } }, async (request, reply) => {
    const server = createMcpServer(apiOperations(injectedApi(root, { authorization: request.headers.authorization, ip: request.ip })), { version: API_VERSION, log });
    const transport = new StreamableHTTPServerTransport({ enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({ method, url: '/mcp', schema: { hide: true }, handler: async (_request, reply) => reply.status(405).header('allow', 'POST').send(jsonRpcError('Method not allowed: this MCP server is stateless; POST JSON-RPC messages to /mcp.')) });
  }
};
