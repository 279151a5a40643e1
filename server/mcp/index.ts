export { createMcpServer } from './mcp-server.js';
export { mcpRoutes } from './http-route.js';
export { localOperations, TASKS_NEED_SERVER } from './local-operations.js';
export { apiOperations, type JsonApi, type McpOperations } from './operations.js';
export { mcpTools, type McpTool } from './tools.js';
