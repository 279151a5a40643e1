// The minions MCP server, whatever carries it (stdio for `minions mcp`, Streamable HTTP at
// `/mcp` on `minions serve`): the tools of `tools.ts` and the repositories as resources,
// bound to one set of operations.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger } from 'pino';
import { MinionsError } from '../../schemas/index.js';
import { checkRequest } from '../validation.js';
import type { McpOperations } from './operations.js';
import { mcpTools, type McpTool } from './tools.js';

/** What the server tells a client about itself when it connects. */
const instructions =
  'minions searches a local semantic index of code repositories (search_code, list_repositories) and runs coding tasks with self-hosted agents ' +
  '(run_task, then task_status and task_result). Name a repository by the absolute path of its root or by its id from list_repositories.';

/** The one line a client sees when a tool fails: the message of an expected failure, a short note for anything else. */
function failureText(error: unknown, log: Logger | undefined, tool: string): string {
  if (error instanceof MinionsError) return error.message.split('\n')[0] ?? error.message;
  log?.error({ err: error, tool }, 'MCP tool failed unexpectedly');
  const first = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return `Internal error in ${tool}: ${first ?? 'unknown'}`;
}

/** Runs one tool: arguments checked against its schema, the answer as JSON text, any failure as an `isError` result. */
async function callTool(tool: McpTool, operations: McpOperations, input: unknown, signal: AbortSignal, log: Logger | undefined): Promise<CallToolResult> {
  try {
    checkRequest(tool.input, input ?? {}, 'arguments');
    const value = await tool.run(operations, input ?? {}, signal);
    return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] };
  } catch (error) {
    return { isError: true, content: [{ type: 'text', text: failureText(error, log, tool.name) }] };
  }
}

/**
 * Builds an MCP server over `operations`. Tools are declared with the TypeBox schemas of
 * `schemas/` (JSON Schema already) on the underlying protocol server, since `McpServer`'s
 * own `registerTool` takes zod schemas only; the repositories are a resource template
 * (`minions://repositories/<id>`, the repository's status as JSON).
 */
export function createMcpServer(operations: McpOperations, options: { version: string; log?: Logger | undefined }): McpServer {
  const server = new McpServer({ name: 'minions', version: options.version }, { instructions });
  const offered = mcpTools.filter((tool) => tool.requires === undefined || operations[tool.requires] !== undefined);
  const tools = new Map(offered.map((tool) => [tool.name, tool]));
  server.server.registerCapabilities({ tools: {} });
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: offered.map((tool) => ({ name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.input, annotations: tool.annotations })),
  }));
  server.server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = tools.get(request.params.name);
    if (tool === undefined) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}; the tools are ${[...tools.keys()].join(', ')}.`);
    return callTool(tool, operations, request.params.arguments, extra.signal, options.log);
  });
  server.registerResource(
    'repository',
    new ResourceTemplate('minions://repositories/{id}', {
      list: async (extra) => ({
        resources: (await operations.repositories(extra.signal)).map((repository) => ({
          uri: `minions://repositories/${repository.id}`,
          name: repository.root,
          description: `${repository.status}: ${repository.files} files, ${repository.chunks} chunks`,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'Repository', description: 'A repository minions can search: its index status as JSON', mimeType: 'application/json' },
    async (uri, variables, extra) => {
      const id = String(variables['id']);
      const repository = await operations.repository(id, extra.signal);
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(repository, null, 2) }] };
    },
  );
  return server;
}
