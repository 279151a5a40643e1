// Builds a repo map from a repository's symbol graph saved as JSON (an array of
// `FileGraph`: indexer/graph/file-graph.ts) and prints it, with the time it took.
//   npx tsx scripts/repo-map.ts graphs.json [--budget 1024] [--text "task words"] [--focus path ...] [--symbol name ...] [--exclude path ...] [--json]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { buildRepoMap } from '../indexer/graph/repo-map.js';
import type { FileGraph } from '../indexer/graph/file-graph.js';
import type { RepoMapRequest } from '../schemas/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    budget: { type: 'string', default: '1024' },
    text: { type: 'string' },
    focus: { type: 'string', multiple: true },
    symbol: { type: 'string', multiple: true },
    exclude: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});
const [file] = positionals;
if (!file) {
  process.stderr.write('usage: npx tsx scripts/repo-map.ts graphs.json [--budget N] [--text "..."] [--focus path] [--symbol name] [--exclude path] [--json]\n');
  process.exit(2);
}
const graphs = JSON.parse(readFileSync(file, 'utf8')) as FileGraph[];
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
