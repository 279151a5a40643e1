import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lazyEmbedder, openIndex, type CodeIndex, type RepositoryIndex } from '../../../indexer/index.js';
import { estimateTokens } from '../../../indexer/chunk/tokens.js';
import type { IndexSummary } from '../../../schemas/index.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

/** A small web framework: the server routes requests to handlers that build replies, which serialize. */
const framework: Record<string, string> = {
  'lib/serialize.js': "'use strict'\nfunction serialize (value, schema) {\n  return JSON.stringify(value)\n}\nmodule.exports = { serialize }\n",
  'lib/reply.js': "'use strict'\nconst { serialize } = require('./serialize')\nclass Reply {\n  send (payload) {\n    return serialize(payload)\n  }\n\n  hijack () {\n    this.hijacked = true\n  }\n}\nmodule.exports = { Reply }\n",
  'lib/route.js': "'use strict'\nconst { Reply } = require('./reply')\nfunction route (options) {\n  const reply = new Reply()\n  return reply.send(options.payload)\n}\nmodule.exports = { route }\n",
  'fastify.js': "'use strict'\nconst { route } = require('./lib/route')\nconst { Reply } = require('./lib/reply')\nfunction fastify (options) {\n  route(options)\n  return new Reply().hijack()\n}\nmodule.exports = fastify\n",
  'test/reply.test.js': "'use strict'\nconst fastify = require('../fastify')\nfastify({}).send('x')\n",
};

async function drain(handle: RepositoryIndex): Promise<IndexSummary> {
  const run = handle.index();
  for (let next = await run.next(); ; next = await run.next()) if (next.done) return next.value;
}

describe('RepositoryIndex.repoMap', () => {
  let folder = '';
  let index: CodeIndex;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-map-'));
    index = await openIndex({ dataDir: join(folder, 'data'), embedder: lazyEmbedder(async () => new RecordingEmbedder()) });
  });
  after(async () => {
    await index.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('maps an indexed repository within the budget, following the task, and follows re-indexing', async () => {
    const handle = await index.repository(await writeTree(join(folder, 'framework'), framework));
    await drain(handle);
    const map = await handle.repoMap({ budgetTokens: 4096 });
    assert.equal(map.tokens, estimateTokens(map.text));
    assert.deepEqual(map.files.slice(0, 2).map(({ path }) => path).sort(), ['lib/reply.js', 'lib/serialize.js'], 'what everything ends up using leads');
    assert.match(map.text, /lib\/reply\.js:\n(⋮\n)?\s+\d+│ class Reply/);
    const asked = await handle.repoMap({ budgetTokens: 64, text: 'route loses its options' });
    assert.ok(asked.tokens <= 64);
    assert.ok(asked.files.some(({ path, definitions }) => path === 'lib/route.js' && definitions.some(({ name }) => name === 'route')), asked.text);
    assert.deepEqual(await handle.repoMap({ budgetTokens: 4096 }), map, 'the same version maps the same');

    await writeFile(join(folder, 'framework', 'lib/route.js'), "'use strict'\nfunction mount (options) {\n  return options\n}\nmodule.exports = { mount }\n");
    await drain(handle);
    const after = await handle.repoMap({ budgetTokens: 4096 });
    assert.ok(after.text.includes('mount') && !after.text.includes('function route'), after.text);
  });

  it('maps the chunker fixtures of every language within every budget', async () => {
    const root = join(folder, 'languages');
    await cp(join(import.meta.dirname, '../../fixtures/languages'), root, { recursive: true });
    const handle = await index.repository(root);
    await drain(handle);
    const graphs = await handle.fileGraphs();
    let previous = 0;
    for (const budgetTokens of [64, 128, 512, 2048, 8192]) {
      const map = await handle.repoMap({ budgetTokens });
      assert.ok(map.tokens <= budgetTokens && map.tokens >= previous, `${map.tokens} of ${budgetTokens}`);
      previous = map.tokens;
    }
    const full = await handle.repoMap({ budgetTokens: 65536 });
    assert.deepEqual(full.files.map(({ path }) => path).sort(), graphs.map(({ path }) => path).sort(), 'a large budget shows every file');
    const shown = full.files.reduce((total, file) => total + file.definitions.length, 0);
    assert.ok(shown >= graphs.reduce((total, graph) => total + new Set(graph.definitions.map(({ startLine }) => startLine)).size, 0), 'and every definition');
    const focus = graphs.find(({ definitions }) => definitions.length > 0)!;
    const focused = await handle.repoMap({ budgetTokens: 256, focusFiles: [focus.path] });
    assert.equal(focused.files[0]?.path, focus.path);
  });

  it('lifts central files in queries through the graph, when the centrality prior is on', async () => {
    const users = Object.fromEntries(Array.from({ length: 6 }, (_, index) => [`lib/user${index}.js`, `const { helper } = require('./core')\nfunction use${index} () {\n  return helper(${index})\n}\nmodule.exports = { use${index} }\n`]));
    const root = await writeTree(join(folder, 'central'), {
      ...users,
      'lib/core.js': '// trims a header value\nfunction trimValue (value) {\n  return value.trim()\n}\nfunction helper (value) {\n  return value\n}\nmodule.exports = { trimValue, helper }\n',
      'lib/leaf.js': '// trims a header value, trims the header value again\nfunction trimHeaderValue (value) {\n  return value.trim()\n}\nmodule.exports = { trimHeaderValue }\n',
    });
    const handle = await index.repository(root);
    await drain(handle);
    const first = async (centralityWeight: number): Promise<string | undefined> =>
      (await handle.query({ query: 'trim header value', mode: 'text', k: 5 }, { ranking: { centralityWeight } })).results[0]?.path;
    assert.equal(await first(0), 'lib/leaf.js', 'the better text match leads without the prior');
    assert.equal(await first(1), 'lib/core.js', 'the file six others use leads with a strong prior');

    // The users move to a helper of leaf.js: the next query ranks with the analysis at hand
    // while the new version is analysed, and the queries after it with the new one.
    for (let index = 0; index < 6; index++) await writeFile(join(root, `lib/user${index}.js`), `const { leafHelper } = require('./leaf')\nfunction use${index} () {\n  return leafHelper(${index})\n}\n`);
    await writeFile(join(root, 'lib/leaf.js'), '// trims a header value, trims the header value again\nfunction trimHeaderValue (value) {\n  return value.trim()\n}\nfunction leafHelper (value) {\n  return value\n}\nmodule.exports = { trimHeaderValue, leafHelper }\n');
    await drain(handle);
    assert.equal(await first(1), 'lib/core.js', 'the analysis at hand answers at once');
    await handle.analyseGraph();
    assert.equal(await first(1), 'lib/leaf.js', 'then the new version’s');
  });

  it('is index-missing for a repository never indexed', async () => {
    const handle = await index.repository(await writeTree(join(folder, 'never'), { 'a.js': 'function a () {}\n' }));
    await assert.rejects(handle.repoMap({ budgetTokens: 100 }), { code: 'index-missing' });
  });
});
