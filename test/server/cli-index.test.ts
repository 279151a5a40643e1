import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { QueryResponse } from '../../schemas/index.js';
import { runCli } from './cli-run.js';

/** End to end through the CLI with the real offline embedder (all-MiniLM-L6-v2 converted from the bundled weights). */
describe('minions index and minions query', () => {
  let folder = '';
  let repo = '';
  let env: NodeJS.ProcessEnv = {};
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-cli-index-'));
    repo = join(folder, 'repo');
    await mkdir(join(repo, 'src'), { recursive: true });
    await writeFile(join(repo, 'src', 'math.js'), 'function addNumbers(a, b) {\n  return a + b;\n}\nmodule.exports = { addNumbers };\n');
    await writeFile(join(repo, 'src', 'weather.py'), 'def forecast_rain(city):\n    """Tells whether it will rain in a city tomorrow."""\n    return city == "London"\n');
    await writeFile(join(repo, 'src', 'http.go'), 'package http\n\n// StartServer listens for HTTP requests on a port.\nfunc StartServer(port int) error {\n\treturn nil\n}\n');
    env = { MINIONS_DATA_DIR: join(folder, 'data'), MINIONS_THREADS: '1' };
  });
  after(() => rm(folder, { recursive: true, force: true }));

  it('explains how to build a missing index', async () => {
    const result = await runCli(['query', repo, 'anything', '--mode', 'text'], folder, env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /has no index yet\. Build it with `minions index .*repo`/);
  });

  it('indexes offline, then answers in every mode with the JSON contract', async () => {
    const indexed = await runCli(['index', repo], folder, env);
    assert.equal(indexed.code, 0, indexed.stderr);
    assert.match(indexed.stdout, /Indexed .*: 3 files, \d+ chunks\./);
    assert.match(indexed.stdout, /3 changed, 0 deleted, 0 unchanged/);
    const records = await readdir(join(folder, 'data', 'repositories'));
    assert.equal(records.filter((name) => name.endsWith('.graph.json')).length, 1, `the graph analysis is saved for the next query: ${records.join(', ')}`);
    const expectations: [string, string][] = [['will it rain tomorrow', 'src/weather.py'], ['sum of two values', 'src/math.js'], ['listen for web requests', 'src/http.go']];
    for (const mode of ['vector', 'hybrid'] as const) {
      for (const [query, path] of expectations) {
        const result = await runCli(['query', repo, query, '--mode', mode, '--json', '--k', '3'], folder, env);
        assert.equal(result.code, 0, result.stderr);
        const response = JSON.parse(result.stdout) as QueryResponse;
        assert.equal(response.results[0]?.path, path, `${mode}: "${query}"`);
      }
    }
    const text = JSON.parse((await runCli(['query', repo, 'forecast', 'rain', '--mode', 'text', '--json'], folder, env)).stdout) as QueryResponse;
    assert.deepEqual(text.results[0] && { ...text.results[0], score: 0 }, {
      path: 'src/weather.py', startLine: 1, endLine: 3, symbol: 'forecast_rain', kind: 'function', language: 'python', score: 0,
      snippet: 'def forecast_rain(city):\n    """Tells whether it will rain in a city tomorrow."""\n    return city == "London"',
    });
    const grouped = JSON.parse((await runCli(['query', repo, 'forecast', 'rain', '--mode', 'text', '--group', 'file', '--json', '--k', '1'], folder, env)).stdout) as QueryResponse;
    assert.deepEqual(grouped.files?.map((file) => [file.path, file.symbols.map((symbol) => symbol.symbol)]), [['src/weather.py', ['forecast_rain']]]);
    const readable = await runCli(['query', repo, 'forecast', 'rain', '--mode', 'text', '--group', 'file', '--k', '1'], folder, env);
    assert.match(readable.stdout, /^1\. src\/weather\.py {2}\(\d\.\d{4}, 1 matching\)\n {6}1-3 {2}function forecast_rain/);
    const again = await runCli(['index', repo], folder, env);
    assert.match(again.stdout, /0 changed, 0 deleted, 3 unchanged, 0 skipped; 0 chunks embedded/);
  });

  it('reports a missing repository, an empty one and bad options', async () => {
    const missing = await runCli(['index', join(folder, 'nope')], folder, env);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /No repository at .*nope: the folder does not exist\./);
    await mkdir(join(folder, 'empty'));
    const empty = await runCli(['index', join(folder, 'empty')], folder, env);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /has no files to index/);
    assert.equal((await runCli(['query', repo, 'x', '--mode', 'fuzzy'], folder, env)).code, 2);
    assert.equal((await runCli(['query', repo, 'x', '--k', '0'], folder, env)).code, 2);
    assert.equal((await runCli(['index', repo], folder, { ...env, MINIONS_EMBEDDER: 'word2vec' })).code, 2);
  });

  it('reports a model conversion failure clearly', async () => {
    const data = join(folder, 'broken-data');
    await mkdir(data, { recursive: true });
    await writeFile(join(data, 'models'), 'a file where the model folder should be');
    const result = await runCli(['index', repo], folder, { ...env, MINIONS_DATA_DIR: data });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^minions: .*model/im);
  });
});

describe('minions index with the Ollama embedder', () => {
  it('embeds through /api/embed, and reports an unreachable Ollama clearly', async () => {
    const { startScriptedOllama, closedPort } = await import('../support/scripted-ollama.js');
    const ollama = await startScriptedOllama({
      models: [
        { name: 'nomic-embed-text', embeddingLength: 48, contextLength: 2048, capabilities: ['embedding'] },
        { name: 'other-embed', embeddingLength: 48, contextLength: 2048, capabilities: ['embedding'] },
      ],
    });
    const folder = await mkdtemp(join(tmpdir(), 'minions-cli-ollama-'));
    try {
      const repo = join(folder, 'repo');
      await mkdir(repo);
      await writeFile(join(repo, 'pay.js'), 'function payInvoice(invoice) {\n  return invoice.total;\n}\n');
      const env = { MINIONS_DATA_DIR: join(folder, 'data'), OLLAMA_HOST: ollama.host };
      const indexed = await runCli(['index', repo, '--embedder', 'ollama:nomic-embed-text'], folder, env);
      assert.equal(indexed.code, 0, indexed.stderr);
      assert.ok(ollama.requestsTo('/api/embed').length >= 1, 'vectors came from /api/embed');
      const query = await runCli(['query', repo, 'pay invoice', '--embedder', 'ollama:nomic-embed-text', '--mode', 'vector', '--json'], folder, env);
      assert.equal((JSON.parse(query.stdout) as QueryResponse).results[0]?.symbol, 'payInvoice');
      // The query policy: another configured model answers a query without --mode by text (and says so), and refuses --mode vector.
      const fallback = await runCli(['query', repo, 'pay invoice', '--embedder', 'ollama:other-embed', '--json'], folder, env);
      assert.equal(fallback.code, 0, fallback.stderr);
      assert.match(fallback.stderr, /note: the index of .*repo was built with another embedding model .* text search \(BM25\) answered/);
      const answer = JSON.parse(fallback.stdout) as QueryResponse;
      assert.equal(answer.mode, 'text');
      assert.equal(answer.results[0]?.symbol, 'payInvoice');
      const refused = await runCli(['query', repo, 'pay invoice', '--embedder', 'ollama:other-embed', '--mode', 'vector'], folder, env);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, /built with ollama:nomic-embed-text, not ollama:other-embed/);
      const dead = await runCli(['index', repo, '--embedder', 'ollama:nomic-embed-text'], folder, { ...env, OLLAMA_HOST: `http://127.0.0.1:${await closedPort()}` });
      assert.equal(dead.code, 1);
      assert.match(dead.stderr, /Ollama is not reachable at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await ollama.close();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
