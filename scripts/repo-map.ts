// Builds a repo map and prints it, with the time it took: from a repository's symbol graph
// saved as JSON (an array of `FileGraph`: indexer/graph/file-graph.ts), or from an indexed
// repository (its graph read from the index under --data-dir; --save writes it as JSON).
//   npx tsx scripts/repo-map.ts <graphs.json | repository> [--data-dir DIR] [--save graphs.json]
//     [--budget 1024] [--text "task words"] [--focus path ...] [--symbol name ...] [--exclude path ...] [--json]
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildRepoMap } from '../indexer/graph/repo-map.js';
import type { FileGraph } from '../indexer/graph/file-graph.js';
import type { RepoMapRequest } from '../schemas/index.js';
import { loadConfig } from '../server/config.js';
import { openCodeIndex } from '../server/runtime.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    budget: { type: 'string', default: '1024' },
    text: { type: 'string' },
    focus: { type: 'string', multiple: true },
    symbol: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
    'data-dir': { type: 'string' },
    save: { type: 'string' },
  },
});
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: npx tsx scripts/repo-map.ts <graphs.json | repository> [--data-dir DIR] [--save FILE] [--budget N] [--text "..."] [--focus path] [--symbol name] [--exclude path] [--json]\n');
  process.exit(2);
}
/** The graphs of an indexed repository, read through the product's own index handle. */
async function indexedGraphs(root: string): Promise<FileGraph[]> {
  const runtime = await openCodeIndex(loadConfig(process.env, values['data-dir'] ? { dataDir: values['data-dir'] } : {}));
  try {
    return await (await runtime.repository(root)).fileGraphs();
  } finally {
    await runtime.close();
  }
}

const graphs = statSync(file).isDirectory() ? await indexedGraphs(file) : (JSON.parse(readFileSync(file, 'utf8')) as FileGraph[]);
if (values.save) writeFileSync(values.save, JSON.stringify(graphs));
const request: RepoMapRequest = {
  budgetTokens: Number(values.budget),
  ...(values.text ? { text: values.text } : {}),
  ...(values.focus ? { focusFiles: values.focus } : {}),
  ...(values.symbol ? { focusSymbols: values.symbol } : {}),
  ...(values.exclude ? { exclude: values.exclude } : {}),
};
const started = performance.now();
const map = buildRepoMap(graphs, request);
const elapsed = performance.now() - started;
if (values.json) process.stdout.write(`${JSON.stringify(map, null, 2)}\n`);
else process.stdout.write(`${map.text}\n\n${map.files.length} files, ${map.tokens} of ${request.budgetTokens} tokens, ${elapsed.toFixed(1)} ms over ${graphs.length} file graphs\n`);
