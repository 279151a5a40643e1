// Test support for the context assembly and the symbol tools: a small JavaScript
// repository with a real index (LanceDB, the recording embedder) and a CodeSearch whose
// `search` is the server's real wiring. Its `symbols` and `repoMap` are small in-test
// implementations (a regular-expression scan of the fixture's files): they are the seam
// the graph and map parts fill, not what these tests are about. Every request is recorded.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CodeSearch, SearchScope, SymbolScope } from '../../agent/index.js';
import { lazyEmbedder, openIndex, type CodeIndex } from '../../indexer/index.js';
import type { RepoMap, RepoMapFile, RepoMapRequest, SymbolDefinition, SymbolsResponse } from '../../schemas/index.js';
import { createIndexSearch } from '../../server/agent-wiring.js';
import { RecordingEmbedder } from '../support/recording-embedder.js';
import { makeRepo, type FixtureRepo } from './agent-fixtures.js';

const bigFile = Array.from({ length: 700 }, (_, index) => `export const entry${index} = registerEntry(${index}, 'entry of the lookup data, number ${index}');`).join('\n');

/** A tiny web framework: a router, a server using it, a logger, a large table, a test and rules. */
export const routerFiles: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'tiny-web', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'src/router.js': "export class Router {\n  constructor() {\n    this.routes = [];\n  }\n\n  route(method, path, handler) {\n    this.routes.push({ method, path: parseRoute(path), handler });\n  }\n}\n\nexport function parseRoute(text) {\n  return text.split('/').filter(Boolean);\n}\n",
  'src/server.js': "import { Router, parseRoute } from './router.js';\nimport { createLogger } from './logger.js';\n\nexport function startServer(port) {\n  const router = new Router();\n  const log = createLogger('info');\n  log(`listening on ${port} ${parseRoute('/a/b').length}`);\n  return router;\n}\n",
  'src/logger.js': "export function createLogger(level) {\n  return (message) => console.log(`[${level}] ${message}`);\n}\n",
  'src/table.js': `${bigFile}\nexport function registerEntry(index, text) {\n  return { index, text };\n}\n`,
  'test/router.test.js': "import assert from 'node:assert/strict';\nimport { test } from 'node:test';\nimport { parseRoute } from '../src/router.js';\n\ntest('parseRoute splits', () => assert.deepEqual(parseRoute('/a/b'), ['a', 'b']));\n",
  'AGENTS.md': '# Agents\nUse ES modules. Keep functions small.\n',
  ...Object.fromEntries(['cache', 'cookies', 'cors', 'compress', 'metrics', 'sessions', 'static', 'uploads'].map((name) => [
    `src/plugins/${name}.js`,
    `import { createLogger } from '../logger.js';\n\nexport function ${name}Plugin(server, options) {\n  const log = createLogger(options.level);\n  log('${name} ready');\n  return server;\n}\n`,
  ])),
};

const definitionPattern = /^(?:export\s+)?(?:(class)\s+(\w+)|(function)\s+(\w+)\s*\(|(const)\s+(\w+)\s*=)|^\s+(\w+)\s*\([^)]*\)\s*\{/;

/** Definitions found by a regular expression, as the graph would list them. */
function scanDefinitions(path: string, text: string): SymbolDefinition[] {
  const lines = text.split('\n');
  return lines.flatMap((line, index) => {
    const match = definitionPattern.exec(line);
    if (!match) return [];
    const name = match[2] ?? match[4] ?? match[6] ?? match[7] ?? '';
    if (name === '' || ['if', 'for', 'while', 'constructor'].includes(name)) return [];
    const kind = match[1] ?? match[3] ?? (match[5] ? 'constant' : 'method');
    return [{ path, language: 'javascript' as const, name, kind, startLine: index + 1, endLine: index + 1, signature: line.replace(/\{\s*$/, '').trim() }];
  });
}

/** A fixture repository, its real index, and a CodeSearch whose graph methods are in-test. */
export interface GraphFixture {
  repo: FixtureRepo;
  index: CodeIndex;
  search: Required<CodeSearch> & { mapRequests: RepoMapRequest[]; symbolRequests: { name: string; limit: number | undefined }[] };
  dispose(): Promise<void>;
}

/** Makes the repository, indexes it, and wires the search. */
export async function graphFixture(files: Record<string, string> = routerFiles): Promise<GraphFixture> {
  const repo = await makeRepo(files);
  const index = await openIndex({ dataDir: join(repo.worktrees, '..', 'data'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  const handle = await index.repository(repo.root);
  for await (const event of handle.index()) void event;
  const indexSearch = createIndexSearch(index);
  const contents = new Map<string, string>();
  for (const path of Object.keys(files)) contents.set(path, await readFile(join(repo.root, path), 'utf8'));
  const definitions = [...contents].flatMap(([path, text]) => (path.endsWith('.js') ? scanDefinitions(path, text) : []));
  const mapRequests: RepoMapRequest[] = [];
  const symbolRequests: { name: string; limit: number | undefined }[] = [];
  const search = {
    mapRequests,
    symbolRequests,
    search: indexSearch.search.bind(indexSearch),
    async symbols(name: string, scope: SymbolScope): Promise<SymbolsResponse> {
      symbolRequests.push({ name, limit: scope.limit });
      const references = [...contents].flatMap(([path, text]) =>
        text.split('\n').flatMap((line, index) => (new RegExp(`\\b${name}\\b`).test(line) && !definitions.some((entry) => entry.path === path && entry.startLine === index + 1 && entry.name === name) ? [{ path, language: 'javascript' as const, name, line: index + 1, text: line.trim() }] : [])),
      );
      const limit = scope.limit ?? 100;
      return { name, definitions: definitions.filter((entry) => entry.name === name), references: references.slice(0, limit), ...(references.length > limit ? { truncated: true } : {}) };
    },
    async repoMap(request: RepoMapRequest, _scope: SearchScope): Promise<RepoMap> {
      mapRequests.push(request);
      const focus = new Set([...(request.focusFiles ?? [])]);
      const named = new Set(request.focusSymbols ?? []);
      const mapFiles: RepoMapFile[] = [...new Set(definitions.map((entry) => entry.path))].map((path) => {
        const own = definitions.filter((entry) => entry.path === path);
        const rank = (focus.has(path) ? 2 : 0) + own.filter((entry) => named.has(entry.name)).length + 1 / (1 + own.length);
        return { path, rank, definitions: own.slice(0, 6).map((entry) => ({ name: entry.name, kind: entry.kind, line: entry.startLine, signature: entry.signature })) };
      }).sort((left, right) => right.rank - left.rank || left.path.localeCompare(right.path));
      const text = mapFiles.map((file) => `${file.path}:\n${file.definitions.map((entry) => `  ${entry.line}: ${entry.signature}`).join('\n')}`).join('\n');
      return { text, tokens: Math.ceil(text.length / 3), files: mapFiles };
    },
  };
  return {
    repo,
    index,
    search,
    dispose: async () => {
      await index.close();
      await repo.dispose();
    },
  };
}
