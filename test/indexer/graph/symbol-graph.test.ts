import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import * as lancedb from '@lancedb/lancedb';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LanceStore, lazyEmbedder, openIndex, updateFiles, type CodeIndex, type FileGraph, type RepositoryIndex } from '../../../indexer/index.js';
import { MinionsError, type IndexSummary } from '../../../schemas/index.js';
import { writeTree } from '../../support/file-tree.js';
import { RecordingEmbedder } from '../../support/recording-embedder.js';

/** A repository with files of every language, each importing others in its language's way (and packages outside it, which resolve to nothing). */
const polyglot: Record<string, string> = {
  'web/app.ts': "import { helper } from './util.js';\nimport { view } from './views';\nimport React from 'react';\nexport function main(): number {\n  return helper(view());\n}\n",
  'web/util.ts': 'export function helper(value: number): number {\n  return value;\n}\n',
  'web/legacy.js': "const util = require('./util');\nconst missing = require('./gone');\nmodule.exports = util;\n",
  'py/pkg/__init__.py': 'VERSION = 1\n',
  'py/pkg/core.py': 'from . import helpers\nfrom .models import Model\nimport pkg.models\nimport os\n\ndef run():\n    return helpers.go(Model())\n',
  'py/pkg/helpers.py': 'def go(model):\n    return model\n',
  'py/pkg/models.py': 'class Model:\n    pass\n',
  'gosvc/go.mod': 'module example.com/bank\n\ngo 1.22\n',
  'gosvc/main.go': 'package main\n\nimport (\n\t"fmt"\n\t"example.com/bank/ledger"\n)\n\nfunc main() {\n\tfmt.Println(ledger.Open())\n}\n',
  'gosvc/ledger/ledger.go': 'package ledger\n\nfunc Open() int {\n\treturn count()\n}\n',
  'gosvc/ledger/store.go': 'package ledger\n\nfunc count() int {\n\treturn 1\n}\n',
  'gosvc/ledger/ledger_test.go': 'package ledger\n\nfunc helperForTests() int {\n\treturn 2\n}\n',
  'rs/src/lib.rs': 'mod store;\npub mod api;\nuse crate::store::Ledger;\nuse std::fmt;\n\npub fn open() -> Ledger {\n    Ledger::new()\n}\n',
  'rs/src/store.rs': 'pub struct Ledger;\n\nimpl Ledger {\n    pub fn new() -> Self {\n        Ledger\n    }\n}\n',
  'rs/src/api/mod.rs': 'use super::store::Ledger;\n\npub fn serve(ledger: Ledger) {}\n',
  'java/src/main/java/com/bank/App.java': 'package com.bank;\n\nimport com.bank.core.Ledger;\nimport com.bank.util.*;\nimport java.util.List;\n\npublic class App {\n  void run() { new Ledger().settle(); }\n}\n',
  'java/src/main/java/com/bank/core/Ledger.java': 'package com.bank.core;\n\npublic class Ledger {\n  public void settle() {}\n}\n',
  'java/src/main/java/com/bank/util/Strings.java': 'package com.bank.util;\n\npublic class Strings {}\n',
  'c/src/main.c': '#include "util/strings.h"\n#include "ledger.h"\n#include <stdio.h>\n\nint main(void) {\n  return ledger_open();\n}\n',
  'c/src/util/strings.h': 'int str_len(const char *text);\n',
  'c/include/ledger.h': 'int ledger_open(void);\n',
  'cpp/app.cpp': '#include "bank/account.hpp"\n#include <vector>\n\nint main() {\n  return bank::balance();\n}\n',
  'cpp/include/bank/account.hpp': 'namespace bank {\nint balance();\n}\n',
  'cs/Program.cs': 'using Bank.Core;\nusing System;\n\nclass Program {\n  static void Main() { new Ledger().Settle(); }\n}\n',
  'cs/Core/Ledger.cs': 'namespace Bank.Core;\n\npublic class Ledger {\n  public void Settle() {}\n}\n',
  'rb/lib/bank.rb': "require_relative 'bank/ledger'\nrequire 'bank/util'\nrequire 'json'\n\nmodule Bank\nend\n",
  'rb/lib/bank/ledger.rb': 'module Bank\n  class Ledger\n  end\nend\n',
  'rb/lib/bank/util.rb': 'module Bank\n  module Util\n  end\nend\n',
  'php/src/App.php': "<?php\nnamespace App;\n\nuse App\\Bank\\Ledger;\nrequire_once 'helpers.php';\n\nfunction run() {\n  return new Ledger();\n}\n",
  'php/src/Bank/Ledger.php': '<?php\nnamespace App\\Bank;\n\nclass Ledger {}\n',
  'php/src/helpers.php': '<?php\nfunction helper() {}\n',
};

/** Every file's resolved imports that the polyglot tree must produce (files with none are left out). */
const expectedImports: Record<string, string[]> = {
  'web/app.ts': ['web/util.ts'],
  'web/legacy.js': ['web/util.ts'],
  'py/pkg/core.py': ['py/pkg/__init__.py', 'py/pkg/helpers.py', 'py/pkg/models.py'],
  'gosvc/main.go': ['gosvc/ledger/ledger.go', 'gosvc/ledger/store.go'],
  'rs/src/lib.rs': ['rs/src/api/mod.rs', 'rs/src/store.rs'],
  'rs/src/api/mod.rs': ['rs/src/store.rs'],
  'java/src/main/java/com/bank/App.java': ['java/src/main/java/com/bank/core/Ledger.java', 'java/src/main/java/com/bank/util/Strings.java'],
  'c/src/main.c': ['c/include/ledger.h', 'c/src/util/strings.h'],
  'cpp/app.cpp': ['cpp/include/bank/account.hpp'],
  'cs/Program.cs': ['cs/Core/Ledger.cs'],
  'rb/lib/bank.rb': ['rb/lib/bank/ledger.rb', 'rb/lib/bank/util.rb'],
  'php/src/App.php': ['php/src/Bank/Ledger.php', 'php/src/helpers.php'],
};

async function drain(handle: RepositoryIndex, options: Parameters<RepositoryIndex['index']>[0] = {}): Promise<IndexSummary> {
  const run = handle.index(options);
  for (let next = await run.next(); ; next = await run.next()) if (next.done) return next.value;
}

const importsOf = (graphs: readonly FileGraph[]): Record<string, string[]> =>
  Object.fromEntries(graphs.filter((graph) => graph.imports.length > 0).map((graph) => [graph.path, [...graph.imports].sort()]));

describe('the symbol graph of an indexed repository', () => {
  let folder = '';
  let index: CodeIndex;
  const embedder = new RecordingEmbedder();
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'minions-graph-'));
    index = await openIndex({ dataDir: join(folder, 'data'), embedder: lazyEmbedder(async () => embedder) });
  });
  after(async () => {
    await index.close();
    await rm(folder, { recursive: true, force: true });
  });

  /** A live update through the indexer's own `updateFiles`, on a second connection to the same database (as the watcher's process would be). */
  async function update(root: string, paths: string[]): Promise<void> {
    const store = await LanceStore.open(join(index.dataDir, 'lancedb'));
    try {
      for await (const _event of updateFiles(root, paths, { store, embedder, metaFolder: join(index.dataDir, 'repositories') })) void _event;
    } finally {
      store.close();
    }
  }

  it('resolves imports to repository files in all twelve languages, and drops packages outside it', async () => {
    const handle = await index.repository(await writeTree(join(folder, 'polyglot'), polyglot));
    await drain(handle);
    const graphs = await handle.fileGraphs();
    assert.deepEqual(importsOf(graphs), expectedImports);
    assert.deepEqual(new Set(graphs.map((graph) => graph.language)), new Set(['typescript', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp', 'ruby', 'php']));
    assert.ok(!graphs.some((graph) => graph.path === 'gosvc/go.mod'), 'go.mod is no node of the graph');
    assert.equal(await handle.fileGraphs(), graphs, 'the same tables version answers from memory');
  });

  it('answers symbols(): definitions by exact or qualified name, references with their lines, a limit', async () => {
    const handle = await index.repository(join(folder, 'polyglot'));
    const helper = await handle.symbols('helper');
    assert.deepEqual(helper.definitions.map((definition) => `${definition.path}:${definition.startLine} ${definition.kind} ${definition.signature}`), [
      'php/src/helpers.php:2 function function helper()',
      'web/util.ts:1 function function helper(value: number): number',
    ]);
    assert.deepEqual(helper.references, [{ path: 'web/app.ts', language: 'typescript', name: 'helper', line: 5, text: 'return helper(view());' }]);
    assert.equal(helper.truncated, undefined);
    const settle = await handle.symbols('Ledger.Settle');
    assert.deepEqual(settle.definitions.map((definition) => definition.path), ['cs/Core/Ledger.cs']);
    assert.equal(settle.name, 'Ledger.Settle');
    const ledger = await handle.symbols('Ledger', { limit: 2 });
    assert.equal(ledger.references.length, 2);
    assert.equal(ledger.truncated, true);
    assert.deepEqual(await handle.symbols('noSuchName'), { name: 'noSuchName', definitions: [], references: [] });
  });

  it('follows live updates and re-indexing: a renamed function, a deleted file, a file that resolves an earlier import', async () => {
    const root = await writeTree(join(folder, 'live'), {
      'src/app.ts': "import { total } from './sum';\nimport { later } from './later';\nexport function main() {\n  return total([1]);\n}\n",
      'src/sum.ts': 'export function total(values: number[]) {\n  return values.length;\n}\n',
    });
    const handle = await index.repository(root);
    await drain(handle);
    assert.deepEqual(importsOf(await handle.fileGraphs()), { 'src/app.ts': ['src/sum.ts'] });
    assert.equal((await handle.symbols('total')).definitions.length, 1);

    await writeFile(join(root, 'src/sum.ts'), 'export function sum(values: number[]) {\n  return values.length;\n}\n');
    await writeFile(join(root, 'src/later.ts'), 'export function later() {\n  return 1;\n}\n');
    await update(root, ['src/sum.ts', 'src/later.ts']);
    assert.deepEqual((await handle.symbols('total')).definitions, []);
    assert.deepEqual((await handle.symbols('total')).references.map((reference) => reference.path), ['src/app.ts']);
    assert.deepEqual((await handle.symbols('sum')).definitions.map((definition) => definition.path), ['src/sum.ts']);
    assert.deepEqual(importsOf(await handle.fileGraphs()), { 'src/app.ts': ['src/later.ts', 'src/sum.ts'] });

    await unlink(join(root, 'src/sum.ts'));
    await update(root, ['src/sum.ts']);
    assert.deepEqual((await handle.symbols('sum')).definitions, []);
    assert.deepEqual(importsOf(await handle.fileGraphs()), { 'src/app.ts': ['src/later.ts'] });
    assert.ok(!(await handle.fileGraphs()).some((graph) => graph.path === 'src/sum.ts'));

    await unlink(join(root, 'src/later.ts'));
    await writeFile(join(root, 'src/sum.ts'), 'export function total(values: number[]) {\n  return 0;\n}\n');
    await drain(handle);
    assert.deepEqual((await handle.symbols('later')).definitions, []);
    assert.deepEqual((await handle.symbols('total')).definitions.map((definition) => `${definition.path}:${definition.startLine}-${definition.endLine}`), ['src/sum.ts:1-3']);
    assert.deepEqual(importsOf(await handle.fileGraphs()), { 'src/app.ts': ['src/sum.ts'] });
  });

  it('an index built before the graph (no symbol table) is index-missing, naming the command, until `index` rebuilds it', async () => {
    const root = await writeTree(join(folder, 'old'), { 'a.py': 'def alpha():\n    return 1\n' });
    const handle = await index.repository(root);
    await drain(handle);
    const connection = await lancedb.connect(join(index.dataDir, 'lancedb'));
    await connection.dropTable(`symbols_${handle.id}`);
    connection.close();
    const metaFile = join(index.dataDir, 'repositories', `${handle.id}.json`);
    await writeFile(metaFile, JSON.stringify({ ...JSON.parse(await readFile(metaFile, 'utf8')), chunker: 2 }));
    handle.close();
    const missing = (error: unknown): boolean => error instanceof MinionsError && error.code === 'index-missing' && error.message.includes(`minions index ${handle.root}`);
    await assert.rejects(handle.symbols('alpha'), missing);
    await assert.rejects(handle.query({ query: 'alpha', mode: 'text' }), missing);
    const embedded = embedder.texts.length;
    const summary = await drain(handle);
    assert.match(summary.rebuilt ?? '', /the chunker changed \(version 2 -> \d+\)/);
    assert.equal(embedder.texts.length, embedded, 'the rebuild takes every vector from the cache');
    assert.deepEqual((await handle.symbols('alpha')).definitions.map((definition) => definition.signature), ['def alpha()']);
  });

  it('keeps the whole graph of a file whose chunks were capped', async () => {
    const root = await writeTree(join(folder, 'capped'), { 'many.js': 'function one() {}\nfunction two() {}\nfunction three() {\n  return one() + two();\n}\n' });
    const handle = await index.repository(root);
    await drain(handle, { chunk: { maxChunks: 1 } });
    const [graph] = await handle.fileGraphs();
    assert.equal(graph?.path, 'many.js');
    assert.deepEqual(graph?.definitions.map((definition) => definition.name), ['one', 'two', 'three']);
    assert.deepEqual(graph?.references, [{ name: 'one', line: 4 }, { name: 'two', line: 4 }]);
  });

  it('lets a caller stop waiting for the graph without failing the others that share its read', async () => {
    const handle = await index.repository(await writeTree(join(folder, 'shared'), { 'a.py': 'def alpha():\n    return beta()\n' }));
    await drain(handle);
    const controller = new AbortController();
    const stopped = handle.fileGraphs(controller.signal);
    const waiting = handle.fileGraphs();
    controller.abort();
    await assert.rejects(stopped, (error: unknown) => error instanceof Error && error.name === 'AbortError');
    assert.deepEqual((await waiting).map((graph) => graph.references), [[{ name: 'beta', line: 2 }]]);
  });
});
